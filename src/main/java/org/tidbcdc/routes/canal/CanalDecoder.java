package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decodes the value of one Kafka record written by TiCDC's canal-json encoder into {@link ChangeEvent}s. Stateless
 * and thread-safe: one instance serves every consumer thread. Anything that cannot be decoded is a
 * {@link CanalFormatException}, since the same bytes will fail the same way on every retry.
 */
public final class CanalDecoder {

    static final String WATERMARK = "TIDB_WATERMARK";

    /** The canal types TiCDC maps DDL jobs to ({@code convertDdlEventType}); QUERY is its catch-all. */
    private static final Set<String> DDL_TYPES =
            Set.of("CREATE", "ERASE", "TRUNCATE", "RENAME", "CINDEX", "DINDEX", "ALTER", "QUERY");

    public DecodedRecord decode(byte[] value, Source source) {
        Objects.requireNonNull(source, "source");
        CanalObject record = CanalObject.of(parse(value), "");
        // classification order of TiCDC's own decoder: isDdl first, then the watermark type, then DML
        boolean ddl = record.bool("isDdl");
        String type = record.text("type");
        long commitMillis = record.int64("es");
        TidbExtension tidb = TidbExtension.read(record);
        if (ddl) {
            return DecodedRecord.ofEvents(List.of(ddl(record, type, commitMillis, tidb, source)));
        }
        if (WATERMARK.equals(type)) {
            return watermark(tidb);
        }
        return DecodedRecord.ofEvents(new DmlRecord(record, dmlOp(type), tidb, commitMillis, source).events());
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            throw new CanalFormatException("record value is null");
        }
        JsonNode root;
        try {
            root = CanalJson.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            // truncation, bad UTF-8 and excess nesting all land here
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
