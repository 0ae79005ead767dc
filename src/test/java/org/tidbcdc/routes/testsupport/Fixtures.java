package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The TiCDC Canal-JSON examples from shared/ticdc/fixtures, copied into test resources. */
public final class Fixtures {

    public static final List<String> ALL = List.of(
            "01-docs-ddl-drop-database-query.json",
            "02-docs-insert-tp_int-with-tidb-extension.json",
            "03-docs-watermark.json",
            "04-test-insert-employee-no-extension.json",
            "05-test-update-employee-no-extension.json",
            "06-test-delete-employee-no-extension.json",
            "07-test-ddl-create-table-with-tidb-extension.json",
            "09-docs-handle-key-only-insert.json",
            "10-docs-claim-check-location-insert.json",
            "11-reconstructed-update-tp_int-default-old-has-all-columns.json",
            "13-reconstructed-insert-all-types-tiflow-large-event.json",
            "16-reconstructed-insert-content-compatible-full-mysqltype.json",
            "18-reconstructed-ddl-alter-add-column.json",
            "21-reconstructed-pk-update-split-1-delete.json",
            "22-reconstructed-pk-update-split-2-insert.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The fixture as TiCDC puts it on the wire: compact JSON. */
    public static String compact(String name) {
        try {
            return JSON.writeValueAsString(tree(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
