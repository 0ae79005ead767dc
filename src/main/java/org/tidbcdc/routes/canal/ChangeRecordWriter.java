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
        // The images and the event key first: each is rendered by a generator of its own, which takes the thread's
        // recycled Jackson buffers; while this record's generator is open it holds them, so one rendered inside it
        // allocates new ones (8 to 16 KB more per change).
        String eventKey = e.eventKey();
        String pk = e.pkJson();
        String before = e.beforeJson();
        String after = e.afterJson();
        String changedColumns = e.changedColumnsJson();
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = CanalJson.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", ChangeEvent.FORMAT_VERSION);
            g.writeStringField("op", e.op().name());
            g.writeStringField("ddlType", e.ddlType());
            g.writeStringField("database", e.database());
            g.writeStringField("table", e.table());
            raw(g, "pk", pk);
            raw(g, "before", before);
            raw(g, "after", after);
            raw(g, "changedColumns", changedColumns);
            g.writeStringField("sql", e.sql());
            g.writeStringField("commitTs", e.commitTs());
            g.writeStringField("commitTime", e.commitTime().toString());
            g.writeStringField("eventKey", eventKey);
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

    private static void raw(JsonGenerator g, String field, String json) throws IOException {
        g.writeFieldName(field);
        if (json == null) {
            g.writeNull();
        } else {
            g.writeRawValue(json);
        }
    }
}
