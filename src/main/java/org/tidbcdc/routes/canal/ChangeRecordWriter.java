package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * Renders a {@link ChangeEvent} as the version-1 change record, straight to UTF-8 (what the file sink writes). Images
 * are spliced in as the raw JSON the audit table stores, so both sinks carry byte-identical images and each is
 * serialized once.
 */
final class ChangeRecordWriter {

    private ChangeRecordWriter() {
    }

    static byte[] render(ChangeEvent e) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint(e));
        try (JsonGenerator g = CanalJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", ChangeEvent.FORMAT_VERSION);
            g.writeStringField("op", e.op().name());
            g.writeStringField("ddlType", e.ddlType());
            g.writeStringField("database", e.database());
            g.writeStringField("table", e.table());
            raw(g, "pk", e.pkJson());
            raw(g, "before", e.beforeJson());
            raw(g, "after", e.afterJson());
            raw(g, "changedColumns", e.changedColumnsJson());
            g.writeStringField("sql", e.sql());
            g.writeStringField("commitTs", e.commitTs());
            g.writeStringField("commitTime", e.commitTime().toString());
            g.writeStringField("eventKey", e.eventKey());
            g.writeObjectFieldStart("source");
            g.writeStringField("topic", e.source().topic());
            g.writeNumberField("partition", e.source().partition());
            g.writeNumberField("offset", e.source().offset());
            g.writeEndObject();
            g.writeBooleanField("keyOnly", e.keyOnly());
            g.writeStringField("claimCheckLocation", e.claimCheckLocation());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Room for the whole record in one block: growing block by block and joining them cost more than rendering. */
    private static int sizeHint(ChangeEvent e) {
        return 512 + length(e.pkJson()) + length(e.beforeJson()) + length(e.afterJson()) + length(e.changedColumnsJson())
                + length(e.sql());
    }

    private static int length(String s) {
        return s == null ? 0 : s.length() + s.length() / 4;
    }

    private static void raw(JsonGenerator g, String field, String json) throws IOException {
        g.writeFieldName(field);
        if (json == null) {
            g.writeNull();
        } else {
            g.writeRawValue(json);
        }
    }
}
