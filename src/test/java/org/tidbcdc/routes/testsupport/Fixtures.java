package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The TiCDC Canal-JSON examples from shared/ticdc/fixtures, copied into test resources. A fixture is named by its
 * file name or by its number prefix ("02").
 */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every fixture file name, in name order. */
    public static final List<String> ALL = names();

    private Fixtures() {
    }

    private static List<String> names() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's bytes as stored (some are pretty-printed, as in TiCDC's docs). */
    public static byte[] bytes(String nameOrPrefix) {
        String name = ALL.stream().filter(n -> n.equals(nameOrPrefix) || n.startsWith(nameOrPrefix + "-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + nameOrPrefix));
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode tree(String nameOrPrefix) {
        try {
            return (ObjectNode) JSON.readTree(bytes(nameOrPrefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as TiCDC puts it on the wire: compact JSON. */
    public static String compact(String nameOrPrefix) {
        return tree(nameOrPrefix).toString();
    }

    private static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
