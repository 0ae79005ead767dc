package org.tidbcdc.routes.canal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 (RFC 3629, Table 3-7 of the Unicode standard): no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF. Jackson's byte reader checks only the lead and continuation bits, so an overlong {@code C0 AF} would be
 * read as '/' and an encoded surrogate would be written to the sinks as '?'.
 */
final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** The offset of the first byte that does not start a well-formed sequence, or -1 when all of it is UTF-8. */
    static int firstInvalid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            // Canal-JSON is mostly ASCII: it is skipped eight bytes at a time, up to the first byte that is not
            if (i + Long.BYTES <= n) {
                long high = (long) LONGS.get(b, i) & HIGH_BITS;
                if (high == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(high) >>> 3;
            } else if (b[i] >= 0) {
                i++;
                continue;
            }
            int c = b[i] & 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;
                hi = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i;
            }
            if (i + need >= n) {
                return i;
            }
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}
