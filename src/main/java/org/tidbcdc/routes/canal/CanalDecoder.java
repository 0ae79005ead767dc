package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decodes the value of one Kafka record written by TiCDC's canal-json encoder into {@link ChangeEvent}s. Thread-safe:
 * one instance serves every consumer thread; its only state is the column types it holds per table. Anything that
 * cannot be decoded is a {@link CanalFormatException}, since the same bytes will fail the same way on every retry.
 */
public final class CanalDecoder {

    static final String WATERMARK = "TIDB_WATERMARK";

    /** The canal types TiCDC maps DDL jobs to ({@code convertDdlEventType}); QUERY is its catch-all. */
    private static final Set<String> DDL_TYPES =
            Set.of("CREATE", "ERASE", "TRUNCATE", "RENAME", "CINDEX", "DINDEX", "ALTER", "QUERY");

    private final ClaimCheckStore claimChecks;
    private final ValueCompression compression;
    /** Row changes in TiCDC's shape; null where every record is decoded from Jackson's tree. */
    private final StreamingDml streaming;

    /** A decoder of uncompressed values that takes claim-check records as they arrive, with their handle key only. */
    public CanalDecoder() {
        this(ClaimCheckStore.NONE, ValueCompression.NONE);
    }

    public CanalDecoder(ClaimCheckStore claimChecks, ValueCompression compression) {
        this(claimChecks, compression, true);
    }

    private CanalDecoder(ClaimCheckStore claimChecks, ValueCompression compression, boolean streaming) {
        this.claimChecks = claimChecks;
        this.compression = compression;
        this.streaming = streaming ? new StreamingDml(claimChecks.fetches()) : null;
    }

    /**
     * A decoder that reads every record through Jackson's tree, as before the streaming decoder: what the differential
     * test and the decoding benchmark compare the streaming decoder with.
     */
    public static CanalDecoder treeOnly(ClaimCheckStore claimChecks, ValueCompression compression) {
        return new CanalDecoder(claimChecks, compression, false);
    }

    /**
     * Row changes in the shape TiCDC writes them are read with the streaming parser; everything else, and any record
     * that parser finds out of shape, from Jackson's tree, which also names what is wrong with a record.
     */
    public DecodedRecord decode(byte[] value, Source source) {
        Objects.requireNonNull(source, "source");
        byte[] json = checked(compression.decompress(value));
        if (streaming != null) {
            DecodedRecord decoded = streaming.decode(json, source);
            if (decoded != null) {
                return decoded;
            }
        }
        CanalObject record = CanalObject.of(parse(json), "");
        // classification order of TiCDC's own decoder: isDdl first, then the watermark type, then DML
        boolean ddl = record.bool("isDdl");
        String type = record.text("type");
        long commitMillis = record.commitMillis("es");
        TidbExtension tidb = TidbExtension.read(record);
        if (ddl) {
            return DecodedRecord.ofEvents(List.of(ddl(record, type, commitMillis, tidb, source)));
        }
        if (WATERMARK.equals(type)) {
            return watermark(tidb);
        }
        Op op = dmlOp(type);
        if (tidb.claimCheckLocation() != null && claimChecks.fetches()) {
            return claimed(record, op, tidb, source);
        }
        return DecodedRecord.ofEvents(new DmlRecord(record, op, tidb, commitMillis, source).events());
    }

    /**
     * A claim-check record decoded from the full record TiCDC stored, under the Kafka record's coordinates and with its
     * location kept. The stored record must be the change the Kafka record announces: anything else would put another
     * row under this record's offset and event key.
     */
    private DecodedRecord claimed(CanalObject announced, Op op, TidbExtension tidb, Source source) {
        String location = tidb.claimCheckLocation();
        byte[] value = claimChecks.read(location);
        try {
            CanalObject full = CanalObject.of(parse(checked(compression.decompress(value))), "");
            TidbExtension stored = TidbExtension.read(full);
            String[][] announcedAndStored = {
                    {"database", announced.text("database"), full.text("database")},
                    {"table", announced.text("table"), full.text("table")},
                    {"type", op.name(), full.bool("isDdl") ? "DDL" : full.text("type")},
                    {"_tidb.commitTs", tidb.commitTs(), stored.commitTs()}};
            for (String[] field : announcedAndStored) {
                if (!Objects.equals(field[1], field[2])) {
                    throw new CanalFormatException("it holds " + field[0] + " `" + field[2]
                            + "`, but the record announced `" + field[1] + "`");
                }
            }
            TidbExtension completed = new TidbExtension(stored.commitTs(), null, false, location);
            return DecodedRecord.ofEvents(new DmlRecord(full, op, completed, full.commitMillis("es"), source).events());
        } catch (CanalFormatException e) {
            throw new CanalFormatException("claim-check object of `" + location + "`: " + e.getMessage(), e);
        }
    }

    /** The value, once it is known to be there and to be valid UTF-8. */
    private static byte[] checked(byte[] value) {
        if (value == null) {
            throw new CanalFormatException("record value is null");
        }
        int invalid = Utf8.firstInvalid(value);
        if (invalid >= 0) {
            throw new CanalFormatException("record value is not valid UTF-8 (at byte " + invalid + ")");
        }
        return value;
    }

    private static JsonNode parse(byte[] value) {
        JsonNode root;
        try {
            root = CanalJson.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            // truncation and excess nesting land here
            String at = e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
            throw new CanalFormatException("record value is not valid JSON: " + e.getOriginalMessage() + at, e);
        } catch (IOException e) {
            throw new CanalFormatException("record value cannot be read: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new CanalFormatException("record value must be a JSON object, got "
                    + (root.isMissingNode() ? "no content" : root.getNodeType().name()));
        }
        return root;
    }

    private static ChangeEvent ddl(CanalObject record, String type, long commitMillis, TidbExtension tidb,
            Source source) {
        if (!DDL_TYPES.contains(type)) {
            throw new CanalFormatException("unknown DDL type `" + type + "`");
        }
        String database = record.identifier("database");
        String table = record.identifier("table");
        String sql = record.text("sql");
        String eventKey = tidb.commitTs() == null
                ? EventKey.forOffset(source, 0)
                : EventKey.forDdl(database, table, tidb.commitTs(), sql);
        return common(tidb, commitMillis, source)
                .op(Op.DDL)
                .ddlType(type)
                .database(database)
                .table(table)
                .sql(sql)
                .eventKey(eventKey)
                .build();
    }

    private static DecodedRecord watermark(TidbExtension tidb) {
        if (tidb.watermarkTs() == null) {
            throw new CanalFormatException("`_tidb.watermarkTs` is missing from a " + WATERMARK + " record");
        }
        return DecodedRecord.ofWatermark(tidb.watermarkTs().longValue());
    }

    private static Op dmlOp(String type) {
        switch (type) {
            case "INSERT":
                return Op.INSERT;
            case "UPDATE":
                return Op.UPDATE;
            case "DELETE":
                return Op.DELETE;
            default:
                throw new CanalFormatException("unknown type `" + type + "` (isDdl is false)");
        }
    }

    /** A builder holding the fields every event of one record shares. */
    static ChangeEvent.Builder common(TidbExtension tidb, long commitMillis, Source source) {
        return ChangeEvent.builder()
                .commitTs(tidb.commitTs())
                .commitMillis(commitMillis)
                .keyOnly(tidb.onlyHandleKey())
                .claimCheckLocation(tidb.claimCheckLocation())
                .source(source);
    }
}
