package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The full records TiCDC keeps outside Kafka under {@code large-message-handle-option=claim-check}: a directory that
 * holds the objects of the changefeed's {@code claim-check-storage-uri} (a {@code file://} storage, or the same bucket
 * mounted).
 *
 * <p>As in TiCDC's own consumer, a record's {@code claimCheckLocation} only names the object; the directory is this
 * application's setting. So a record cannot make the routes read any other file, and TiCDC's storage URI may differ
 * from where the routes see the same objects.
 */
public final class ClaimCheckStore {

    /** Claim-check records are decoded as they arrive, with their handle key only. */
    public static final ClaimCheckStore NONE = new ClaimCheckStore(null, 0);

    // TiCDC names objects <uuid-v4>.json; one path segment that cannot be "." or ".."
    private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private final Path dir;
    private final int maxBytes;

    private ClaimCheckStore(Path dir, int maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /**
     * @param dir      CLAIM_CHECK_DIR; empty for none
     * @param maxBytes CLAIM_CHECK_MAX_BYTES, the largest object read
     * @throws IllegalArgumentException naming CLAIM_CHECK_DIR when it is set but not a readable directory
     */
    public static ClaimCheckStore of(String dir, int maxBytes) {
        if (dir == null || dir.isBlank()) {
            return NONE;
        }
        Path path = Path.of(dir.strip()).toAbsolutePath().normalize();
        if (!Files.isDirectory(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("CLAIM_CHECK_DIR: " + path + " is not a readable directory; it must"
                    + " hold the objects of TiCDC's claim-check storage (or be empty to record claim-check rows with"
                    + " their handle key only)");
        }
        return new ClaimCheckStore(path, maxBytes);
    }

    public boolean fetches() {
        return dir != null;
    }

    /**
     * The canal-json value TiCDC stored for a claim-check record: the object's {@code value} (base64, TiCDC's default
     * wrapper {@code {"key":null,"value":"…"}}), or the object itself ({@code claim-check-raw-value=true}).
     *
     * @throws CanalFormatException           for a location without an object name, or an object that is not there
     *                                        (TiCDC writes it before the record and never deletes it), not a file, too
     *                                        large, or a wrapper whose value is not base64
     * @throws ClaimCheckUnavailableException when the directory is gone or the object cannot be read now
     */
    byte[] read(String location) {
        String name = location.substring(location.lastIndexOf('/') + 1);
        if (!OBJECT_NAME.matcher(name).matches()) {
            throw new CanalFormatException("claim-check location `" + location + "` does not end in an object name");
        }
        Path file = dir.resolve(name);
        byte[] object;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new CanalFormatException("claim-check object " + file + " is not a file");
            }
            long size = attributes.size();
            if (size > maxBytes) {
                throw new CanalFormatException("claim-check object " + file + " has " + size
                        + " bytes, more than CLAIM_CHECK_MAX_BYTES (" + maxBytes + ")");
            }
            object = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir)) {
                throw new ClaimCheckUnavailableException("CLAIM_CHECK_DIR " + dir + " is not there (not mounted?)", e);
            }
            throw new CanalFormatException("claim-check object " + name + " of `" + location + "` is not in "
                    + "CLAIM_CHECK_DIR " + dir, e);
        } catch (IOException e) {
            throw new ClaimCheckUnavailableException("claim-check object " + file + " cannot be read: " + e, e);
        }
        return unwrapped(object, file);
    }

    private static byte[] unwrapped(byte[] object, Path file) {
        JsonNode root;
        try {
            root = CanalJson.MAPPER.readTree(object);
        } catch (IOException e) {
            return object; // claim-check-raw-value with a compressed value, or damage the decoder will name
        }
        JsonNode value = root == null ? null : root.get("value");
        if (value == null || root.has("type") || root.has("isDdl")) {
            return object; // claim-check-raw-value: the object is the record's value
        }
        if (!value.isTextual()) {
            throw new CanalFormatException("claim-check object " + file + " has a `value` that is not base64 text");
        }
        try {
            return Base64.getDecoder().decode(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new CanalFormatException("claim-check object " + file + " has a `value` that is not base64: "
                    + e.getMessage(), e);
        }
    }
}
