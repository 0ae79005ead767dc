package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every shipped route file, and every example sink, against the JSON schema of Camel's YAML DSL that camel-yaml-dsl
 * ships: the schema Kaoto and Camel JBang read a route file with. A file that only Camel's own loader accepts (an
 * unknown key it ignores, a step in the wrong place, "true" for a boolean) would not open cleanly there. A property
 * placeholder where the schema types a value is allowed: Camel resolves it first.
 */
class RouteFilesSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyShippedRouteFileAndExampleSinkFollowsCamelsYamlDslSchema() throws IOException {
        JsonSchema schema;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl's schema on the class path").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("routes", "examples/sinks")) {
            try (Stream<Path> found = Files.list(Path.of(dir))) {
                found.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().forEach(files::add);
            }
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("cdc-consume.camel.yaml", "cluster-health.camel.yaml", "kafka-per-table.camel.yaml");
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            Object yaml;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                yaml = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(r);
            }
            JsonNode routes = JSON.valueToTree(yaml);
            for (ValidationMessage problem : schema.validate(routes)) {
                // a property placeholder stands where the schema types a value: Camel resolves it before it reads one
                JsonNode value = problem.getInstanceNode();
                if (value != null && value.isTextual() && value.asText().matches("\\{\\{[^}]+}}")) {
                    continue;
                }
                problems.add(file + ": " + problem.getMessage());
            }
        }
        assertThat(problems).as("the route files against Camel's YAML DSL schema").isEmpty();
    }
}
