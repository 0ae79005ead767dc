package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tidbcdc.routes.testsupport.Management.Sample;

/**
 * The metrics that what an operator reads refers to: the rows of the metrics table in docs/operations.md, the alert rules
 * Prometheus loads, and the Grafana dashboard's queries and legends. Each reference names one series and the labels that must
 * be on it (with the values that must occur, when the table lists them), so a test can hold them against a real scrape.
 */
public final class MetricReferences {

    public static final Path OPERATIONS = Path.of("docs/operations.md");
    public static final Path DASHBOARD = Path.of("monitoring/grafana/dashboards/cdc-pipeline.json");
    public static final Path ALERTS = Path.of("monitoring/prometheus/cdc-alerts.yml");

    /** Histogram series as Micrometer's Prometheus registry writes them. */
    private static final List<String> HISTOGRAM_SERIES = List.of("_bucket", "_count", "_sum", "_max");
    private static final Pattern TABLE_ROW = Pattern.compile(
            "^\\| `(cdc_[a-z0-9_]+)` \\| (counter|gauge|histogram) \\| ([^|]*) \\|.*");
    /** A label in the table's labels column, with the values it lists in parentheses, if any. */
    private static final Pattern TABLE_LABEL = Pattern.compile("`([a-z_]+)`(?:\\s*\\(([^)]*)\\))?");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern METRIC = Pattern.compile("\\b((?:cdc|camel)_[a-z0-9_]+)\\b");
    private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern SET_OPERATOR =
            Pattern.compile("\\s+(?:and|or|unless)\\s+(?:(?:on|ignoring)\\s*\\([^)]*\\)\\s*)?");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    /** One series that something refers to, where it does so, and the labels (with required values) it relies on. */
    public record Reference(String where, String series, Map<String, Set<String>> labels) {

        /** What the samples lack for this reference; empty when they have it all. */
        public List<String> missingFrom(List<Sample> samples) {
            List<Sample> ofSeries = samples.stream().filter(s -> s.name().equals(series)).toList();
            if (ofSeries.isEmpty()) {
                return List.of(where + ": no series " + series);
            }
            List<String> missing = new ArrayList<>();
            labels.forEach((label, values) -> {
                Set<String> seen = new LinkedHashSet<>();
                ofSeries.forEach(s -> {
                    if (s.labels().containsKey(label)) {
                        seen.add(s.labels().get(label));
                    }
                });
                if (seen.isEmpty()) {
                    missing.add(where + ": " + series + " has no label " + label);
                }
                for (String v : values) {
                    if (!seen.contains(v)) {
                        missing.add(where + ": " + series + " has no sample with " + label + "=\"" + v + "\" "
                                + "(seen: " + seen + ")");
                    }
                }
            });
            return missing;
        }
    }

    private MetricReferences() {
    }

    /** Every row of the metrics table in docs/operations.md; a histogram row refers to each of its four series. */
    public static List<Reference> metricsTable() throws IOException {
        List<Reference> refs = new ArrayList<>();
        for (String line : Files.readAllLines(OPERATIONS)) {
            Matcher row = TABLE_ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = new LinkedHashMap<>();
            Matcher label = TABLE_LABEL.matcher(row.group(3));
            while (label.find()) {
                Set<String> values = new LinkedHashSet<>();
                if (label.group(2) != null) {
                    Matcher v = BACKTICKED.matcher(label.group(2));
                    while (v.find()) {
                        values.add(v.group(1));
                    }
                }
                labels.put(label.group(1), values);
            }
            String where = "docs/operations.md metrics table, " + row.group(1);
            if (row.group(2).equals("histogram")) {
                // a histogram's labels are on every series; its listed values are checked once, on _count
                for (String suffix : HISTOGRAM_SERIES) {
                    refs.add(new Reference(where, row.group(1) + suffix, suffix.equals("_count") ? labels
                            : anyValue(labels.keySet())));
                }
            } else {
                refs.add(new Reference(where, row.group(1), labels));
            }
        }
        return refs;
    }

    /** The expression of every rule in the alert rules file. */
    public static List<Reference> alertRules() throws IOException {
        List<Reference> refs = new ArrayList<>();
        for (Map<String, Object> rule : rules()) {
            String expr = String.valueOf(rule.get("expr"));
            refs.addAll(ofExpression("alert " + rule.get("alert") + " `" + expr + "`", expr, Set.of()));
        }
        return refs;
    }

    /** The rules of the alert rules file, each as its YAML map ({@code alert}, {@code expr}, {@code for}, ...). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> file = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(ALERTS));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<Object>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) ((Map<String, Object>) group).get("rules"));
        }
        return rules;
    }

    /** Every query of the dashboard's panels, with the labels its legend prints. */
    public static List<Reference> dashboard() throws IOException {
        List<Reference> refs = new ArrayList<>();
        for (DashboardQuery q : dashboardQueries()) {
            refs.addAll(ofExpression("dashboard panel \"" + q.panel() + "\" `" + q.expr() + "`", q.expr(), q.legend()));
        }
        return refs;
    }

    /** The labels a dashboard legend prints that the query's aggregation drops: Grafana would print them empty. */
    public static List<String> legendLabelsDroppedByAggregation() throws IOException {
        List<String> dropped = new ArrayList<>();
        for (DashboardQuery q : dashboardQueries()) {
            Matcher by = GROUPING.matcher(q.expr());
            if (by.find()) {
                Set<String> kept = names(by.group(1));
                q.legend().stream().filter(l -> !kept.contains(l))
                        .forEach(l -> dropped.add(q.panel() + ": {{" + l + "}} of `" + q.expr() + "`"));
            }
        }
        return dropped;
    }

    /** One query of a dashboard panel: the panel's title, the PromQL expression and the labels its legend prints. */
    public record DashboardQuery(String panel, String expr, Set<String> legend) {
    }

    /** Every query of the dashboard's panels, as written (Grafana's variables not replaced). */
    public static List<DashboardQuery> dashboardQueries() throws IOException {
        List<DashboardQuery> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Set<String> legend = new LinkedHashSet<>();
                Matcher l = LEGEND_LABEL.matcher(target.path("legendFormat").asText(""));
                while (l.find()) {
                    legend.add(l.group(1));
                }
                queries.add(new DashboardQuery(panel.path("title").asText(), target.path("expr").asText(), legend));
            }
        }
        return queries;
    }

    /**
     * The series a PromQL expression of ours reads, with the labels it groups by (except {@code le}), filters on
     * and prints. Prometheus's own series ({@code up}) are not the application's and are left out. The operands of
     * {@code and}, {@code or} and {@code unless} are read one by one; a legend prints the left one's labels.
     */
    static List<Reference> ofExpression(String where, String expr, Set<String> printed) {
        List<Reference> refs = new ArrayList<>();
        Set<String> prints = printed;
        for (String operand : SET_OPERATOR.split(expr)) {
            refs.addAll(ofOperand(where, operand, prints));
            prints = Set.of();
        }
        return refs;
    }

    private static List<Reference> ofOperand(String where, String expr, Set<String> printed) {
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        Matcher by = GROUPING.matcher(expr);
        while (by.find()) {
            names(by.group(1)).stream().filter(n -> !n.equals("le"))
                    .forEach(n -> labels.computeIfAbsent(n, k -> new LinkedHashSet<>()));
        }
        Matcher m = MATCHER.matcher(expr);
        while (m.find()) {
            labels.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>()).add(m.group(2));
        }
        printed.forEach(n -> labels.computeIfAbsent(n, k -> new LinkedHashSet<>()));
        List<Reference> refs = new ArrayList<>();
        Matcher metric = METRIC.matcher(expr);
        while (metric.find()) {
            refs.add(new Reference(where, metric.group(1), labels));
        }
        return refs;
    }

    private static Set<String> names(String list) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : list.split(",")) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        return names;
    }

    private static Map<String, Set<String>> anyValue(Set<String> labels) {
        Map<String, Set<String>> any = new LinkedHashMap<>();
        labels.forEach(l -> any.put(l, Set.of()));
        return any;
    }
}
