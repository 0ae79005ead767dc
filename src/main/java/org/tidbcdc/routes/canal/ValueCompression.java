package org.tidbcdc.routes.canal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import net.jpountz.lz4.LZ4FrameInputStream;
import org.xerial.snappy.Snappy;

/**
 * TiCDC's {@code large-message-handle-compression}. Despite its name, TiCDC compresses every canal-json value with it
 * (changes, DDL and watermarks, and the messages it stores for claim-check): LZ4 in the frame format, Snappy in the
 * block format, as Go's pierrec/lz4 and klauspost snappy.Encode write them.
 */
public enum ValueCompression {
    NONE, LZ4, SNAPPY;

    /** As large as a value may grow: Jackson refuses longer strings anyway, and a small record must not expand. */
    static final int MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    /** @throws IllegalArgumentException naming CHANGEFEED_LARGE_MESSAGE_COMPRESSION */
    public static ValueCompression of(String setting) {
        String name = setting == null ? "" : setting.strip().toUpperCase(Locale.ROOT);
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CHANGEFEED_LARGE_MESSAGE_COMPRESSION '" + setting + "' is none of "
                    + Arrays.stream(values()).map(ValueCompression::setting).collect(Collectors.joining(", ")));
        }
    }

    /** The name TiCDC uses. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws CanalFormatException when the value is not compressed this way, or would grow past 64 MiB */
    byte[] decompress(byte[] value) {
        if (this == NONE || value == null) {
            return value;
        }
        try {
            byte[] out = this == LZ4 ? lz4(value) : snappy(value);
            if (out.length > MAX_DECOMPRESSED_BYTES) {
                throw new CanalFormatException("record value decompresses to more than " + MAX_DECOMPRESSED_BYTES
                        + " bytes");
            }
            return out;
        } catch (CanalFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CanalFormatException("record value is not " + name() + "-compressed, as"
                    + " CHANGEFEED_LARGE_MESSAGE_COMPRESSION=" + setting() + " says: " + e.getMessage(), e);
        }
    }

    private static byte[] lz4(byte[] value) throws IOException {
        try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(value))) {
            return in.readNBytes(MAX_DECOMPRESSED_BYTES + 1);
        }
    }

    private static byte[] snappy(byte[] value) throws IOException {
        int length = Snappy.uncompressedLength(value);
        if (length < 0 || length > MAX_DECOMPRESSED_BYTES) {
            throw new CanalFormatException("record value would decompress to " + Integer.toUnsignedString(length)
                    + " bytes, more than " + MAX_DECOMPRESSED_BYTES);
        }
        return Snappy.uncompress(value);
    }
}
