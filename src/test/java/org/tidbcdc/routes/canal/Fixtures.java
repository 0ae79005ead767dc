package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Canal-JSON fixtures of src/test/resources/fixtures, named by their number prefix ("02"). */
final class Fixtures {

    static final Source SOURCE = new Source("cdc", 3, 42);

    private static final CanalDecoder DECODER = new CanalDecoder();

    private Fixtures() {
    }

    static List<String> names() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String prefix) {
        String name = names().stream().filter(n -> n.startsWith(prefix + "-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + prefix));
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String prefix) {
        try {
            return (ObjectNode) CanalJson.MAPPER.readTree(bytes(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    private static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
