package org.tidbcdc.routes.canal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Canal-JSON fixtures of src/test/resources/fixtures, named by their number prefix ("02"). */
final class Fixtures {

    static final Source SOURCE = new Source("cdc", 3, 42);

    private static final CanalDecoder DECODER = new CanalDecoder();

    private Fixtures() {
    }

    static List<String> names() {
        return org.tidbcdc.routes.testsupport.Fixtures.ALL;
    }

    static byte[] bytes(String prefix) {
        return org.tidbcdc.routes.testsupport.Fixtures.bytes(prefix);
    }

    static ObjectNode tree(String prefix) {
        return org.tidbcdc.routes.testsupport.Fixtures.tree(prefix);
    }

    /** The fixture after {@code change} was applied to its JSON tree, as record bytes. */
    static byte[] changed(String prefix, Consumer<ObjectNode> change) {
        ObjectNode record = tree(prefix);
        change.accept(record);
        return utf8(record.toString());
    }

    static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static DecodedRecord decode(String prefix) {
        return DECODER.decode(bytes(prefix), SOURCE);
    }

    static ChangeEvent only(String prefix) {
        List<ChangeEvent> events = decode(prefix).events();
        if (events.size() != 1) {
            throw new AssertionError("expected one event in fixture " + prefix + ", got " + events.size());
        }
        return events.get(0);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8(text)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
