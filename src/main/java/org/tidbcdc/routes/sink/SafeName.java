package org.tidbcdc.routes.sink;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps a database or table name taken from a message to one path segment that cannot leave its folder: every byte
 * outside {@code [A-Za-z0-9_$-]} is percent-encoded (so '.', '/', '\' and NUL never survive), a leading '_' is encoded
 * so that no name can collide with the reserved {@code _database} folder, and an over-long name is cut and tagged with
 * a hash so distinct names stay distinct.
 */
public final class SafeName {

    static final int MAX_SEGMENT = 200;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SafeName() {
    }

    public static String of(String name) {
        if (name == null || name.isEmpty()) {
            return "%00";
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length + 8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '$' || b == '-' || (b == '_' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        if (out.length() > MAX_SEGMENT) {
            return out.substring(0, MAX_SEGMENT - 17) + "~" + sha256(name).substring(0, 16);
        }
        return out.toString();
    }

    /** The SHA-256 of {@code s}'s UTF-8 bytes, in hex: what a name cut to a limit keeps of the rest. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
