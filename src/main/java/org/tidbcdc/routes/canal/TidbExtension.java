package org.tidbcdc.routes.canal;

import java.math.BigInteger;

/**
 * The {@code _tidb} object TiCDC adds with {@code enable-tidb-extension=true}; every field is optional, and a record
 * without the object is valid (it just carries no commitTs and no watermark).
 */
record TidbExtension(String commitTs, BigInteger watermarkTs, boolean onlyHandleKey, String claimCheckLocation) {

    /** TiCDC writes a storage URI and a file name; what the audit table's claim_check_location holds. */
    static final int MAX_CLAIM_CHECK_LOCATION_CHARS = 1024;

    static final TidbExtension NONE = new TidbExtension(null, null, false, null);

    static TidbExtension read(CanalObject record) {
        CanalObject tidb = record.optionalObject("_tidb");
        if (tidb == null) {
            return NONE;
        }
        BigInteger commitTs = tidb.optionalUint64("commitTs");
        return new TidbExtension(
                commitTs == null ? null : commitTs.toString(),
                tidb.optionalUint64("watermarkTs"),
                tidb.optionalBool("onlyHandleKey"),
                tidb.optionalText("claimCheckLocation", MAX_CLAIM_CHECK_LOCATION_CHARS));
    }
}
