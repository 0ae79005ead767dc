package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The documentation holds together: every relative link and anchor in README.md, CONTRIBUTING.md and docs/*.md
 * resolves the way GitHub renders them, the README stays short, and the pages the documentation issue lists exist.
 */
class DocumentationLinksTest {

    private static final Path DOCS = Path.of("docs");
    private static final List<String> REQUIRED = List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "LICENSE",
            "NOTICE", "docs/architecture.md", "docs/configuration.md", "docs/kafka-security.md",
            "docs/change-record.md", "docs/sinks.md", "docs/extending.md", "docs/delivery-guarantees.md",
            "docs/control-plane.md", "docs/compose-stack.md", "docs/existing-cluster.md", "docs/kubernetes.md",
            "docs/scaling.md", "docs/operations.md", "docs/troubleshooting.md", "docs/upgrading.md",
            "docs/performance.md");

    /** An inline link or image target, without a title: [text](target) or ![alt](target). */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path page : pages()) {
            List<String> lines = Files.readAllLines(page);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
                while (link.find()) {
                    String target = link.group(1);
                    if (SCHEME.matcher(target).find()) {
                        continue;
                    }
                    String where = page + ":" + (i + 1) + ": " + target;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                    if (!Files.exists(resolved)) {
                        broken.add(where + " (no such file)");
                        continue;
                    }
                    if (hash >= 0 && resolved.toString().endsWith(".md")) {
                        String anchor = target.substring(hash + 1);
                        Set<String> known = anchors.computeIfAbsent(resolved.toAbsolutePath().normalize(),
                                DocumentationLinksTest::anchorsOf);
                        if (!known.contains(anchor)) {
                            broken.add(where + " (no heading with this anchor)");
                        }
                    }
                }
            }
        }
        assertThat(broken).as("links that do not resolve").isEmpty();
    }

    @Test
    void theReadmeIsShortAndItsSentencesToo() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        assertThat(lines).as("README.md lines").hasSizeLessThanOrEqualTo(250);
        List<String> tooLong = new ArrayList<>();
        for (String sentence : sentences(lines)) {
            if (sentence.split("\\s+").length > 40) {
                tooLong.add(sentence);
            }
        }
        assertThat(tooLong).as("README sentences over 40 words").isEmpty();
        String readme = String.join("\n", lines);
        assertThat(readme).contains("```mermaid", "## Limitations you must know", "mvn -q package",
                "mvn -B -ntp verify", "bash .ci/run");
        assertThat(Files.readString(Path.of(".ci/run"))).as("the test command .ci/run calls is the README's")
                .contains("mvn -B -ntp verify");
    }

    @Test
    void everyPageTheIssueListsExists() {
        for (String file : REQUIRED) {
            assertThat(Path.of(file)).as(file).isRegularFile();
        }
    }

    @Test
    void theConfigurationPageListsEverySettingTheRoutesRead() throws IOException {
        Set<String> settings = new TreeSet<>();
        Pattern env = Pattern.compile("\\{\\{env:([A-Z][A-Z0-9_]*):");
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            Matcher m = env.matcher(line);
            while (!line.startsWith("#") && m.find()) {
                settings.add(m.group(1));
            }
        }
        assertThat(settings).as("settings in application.properties").hasSizeGreaterThan(50);
        String configuration = Files.readString(DOCS.resolve("configuration.md"));
        assertThat(settings).as("settings missing from docs/configuration.md")
                .allMatch(name -> configuration.contains("`" + name + "`"));
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    static Set<String> anchorsOf(Path page) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        List<String> lines;
        try {
            lines = Files.readAllLines(page);
        } catch (IOException e) {
            throw new IllegalStateException(page + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = slug(heading.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.replace("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
    }

    /** The README's prose as sentences: code blocks, tables and headings left out, link targets dropped. */
    private static List<String> sentences(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            boolean starts = line.isBlank() || line.startsWith("#") || line.startsWith("|")
                    || line.matches("^\\s*([-*]|\\d+\\.)\\s.*");
            if (starts && block.length() > 0) {
                blocks.add(block.toString());
                block.setLength(0);
            }
            if (line.isBlank() || line.startsWith("#") || line.startsWith("|")) {
                continue;
            }
            block.append(line.strip()).append(' ');
        }
        if (block.length() > 0) {
            blocks.add(block.toString());
        }
        List<String> sentences = new ArrayList<>();
        for (String b : blocks) {
            for (String s : b.replaceAll("\\]\\([^)]*\\)", "]").split("(?<=[.!?])\\s+")) {
                if (!s.isBlank()) {
                    sentences.add(s.strip());
                }
            }
        }
        return sentences;
    }
}
