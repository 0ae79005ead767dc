package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tidbcdc.routes.settings.Setting;
import org.tidbcdc.routes.settings.Settings;

/**
 * deploy/kubernetes, rendered as CI renders it ({@code kubectl kustomize deploy/kubernetes}) and checked against the
 * application: the probes against the management port's paths, every variable against the settings, the volumes
 * against SINK_DIR and ROUTES_DIR, the grace period against SHUTDOWN_TIMEOUT_SECONDS, and the readiness choice.
 */
class KubernetesManifestTest {

    private static final Path BASE = Path.of("deploy", "kubernetes");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z0-9_]+)\\)");
    /** Inputs of other variables' $(…) references, read by Kubernetes and never by the application. */
    private static final Set<String> REFERENCE_ONLY = Set.of("POD_NAME", "POD_NAMESPACE");

    /** The settings the application reads from the environment, with their defaults: the declaration's. */
    static Map<String, String> settings() {
        Map<String, String> names = new TreeMap<>();
        for (Setting s : Settings.all()) {
            names.put(s.env(), s.defaultValue());
        }
        return names;
    }

    @Test
    void theStatefulSetNamesEachMemberAfterItsPodAndNamespace() throws Exception {
        Rendered r = render(BASE);
        Map<String, Object> sts = r.one("StatefulSet");
        Map<String, String> env = r.environment();
        assertThat(env).containsEntry("CDC_INSTANCE_ID", "$(POD_NAMESPACE)-$(POD_NAME)");
        Map<String, String> fieldRefs = fieldRefs(container(sts));
        assertThat(fieldRefs).containsEntry("POD_NAME", "metadata.name")
                .containsEntry("POD_NAMESPACE", "metadata.namespace");
        // $(VAR) expands only to variables defined earlier in the list
        List<String> order = names(container(sts));
        assertThat(order.indexOf("POD_NAME")).isLessThan(order.indexOf("CDC_INSTANCE_ID"));
        assertThat(order.indexOf("POD_NAMESPACE")).isLessThan(order.indexOf("CDC_INSTANCE_ID"));
    }

    @Test
    void everyVariableIsASetting() throws Exception {
        Map<String, String> settings = settings();
        for (Path dir : List.of(BASE, BASE.resolve("overlays/monitoring"), BASE.resolve("overlays/tidb-operator"))) {
            Map<String, String> env = render(dir).environment();
            Set<String> unknown = new TreeSet<>(env.keySet());
            unknown.removeAll(settings.keySet());
            unknown.removeAll(REFERENCE_ONLY);
            assertThat(unknown).as("variables in " + dir + " that the application does not read").isEmpty();
            for (String input : REFERENCE_ONLY) {
                assertThat(env.entrySet().stream().filter(e -> e.getValue().contains("$(" + input + ")")))
                        .as(input + " is used in a reference").isNotEmpty();
            }
            env.values().forEach(v -> {
                Matcher m = REFERENCE.matcher(v);
                while (m.find()) {
                    assertThat(env).as("$(" + m.group(1) + ") in " + dir).containsKey(m.group(1));
                }
            });
        }
    }

    @Test
    void probesUseTheManagementPortsHealthPaths() throws Exception {
        Rendered r = render(BASE);
        Map<String, Object> c = container(r.one("StatefulSet"));
        String port = r.environment().get("MANAGEMENT_PORT");
        assertThat(port).isNotNull();
        Map<String, Object> management = list(c.get("ports")).stream().map(KubernetesManifestTest::map)
                .filter(p -> "management".equals(p.get("name"))).findFirst().orElseThrow();
        assertThat(String.valueOf(management.get("containerPort"))).isEqualTo(port);
        assertThat(probe(c, "livenessProbe")).isEqualTo("/observe/health/live@management");
        assertThat(probe(c, "startupProbe")).isEqualTo("/observe/health/live@management");
        assertThat(probe(c, "readinessProbe")).isEqualTo("/observe/health/ready@management");
    }

    /**
     * A pod serves no traffic, so readiness only gates rollouts, scaling and drains: a standby, a paused changefeed
     * or an audit outage must not block them (docs/kubernetes.md "Readiness").
     */
    @Test
    void readinessMeansTheProcessRunsAndNeverBlocksARolloutOnAStandby() throws Exception {
        Rendered r = render(BASE);
        assertThat(settings()).containsEntry("READINESS", "delivering");
        assertThat(r.environment()).containsEntry("READINESS", "running");
        Map<String, Object> spec = map(r.one("StatefulSet").get("spec"));
        assertThat(spec.get("podManagementPolicy")).isEqualTo("Parallel");
        Map<String, Object> pdb = map(r.one("PodDisruptionBudget").get("spec"));
        assertThat(pdb.get("unhealthyPodEvictionPolicy")).isEqualTo("AlwaysAllow");
        assertThat(pdb.get("maxUnavailable")).isEqualTo(1);
        Map<String, Object> podLabels = map(map(map(spec.get("template")).get("metadata")).get("labels"));
        assertThat(podLabels).containsAllEntriesOf(map(map(pdb.get("selector")).get("matchLabels")));
    }

    @Test
    void theGracePeriodCoversTheShutdownTimeout() throws Exception {
        Rendered r = render(BASE);
        String timeout = r.environment().getOrDefault("SHUTDOWN_TIMEOUT_SECONDS",
                settings().get("SHUTDOWN_TIMEOUT_SECONDS"));
        Object grace = map(map(map(r.one("StatefulSet").get("spec")).get("template")).get("spec"))
                .get("terminationGracePeriodSeconds");
        assertThat(((Number) grace).intValue()).isGreaterThanOrEqualTo(Integer.parseInt(timeout) + 15);
    }

    @Test
    void theSinkFolderIsAClaimPerPodAndTheRoutesAreTheRepositorysRoutes() throws Exception {
        Rendered r = render(BASE);
        Map<String, Object> sts = r.one("StatefulSet");
        Map<String, Object> spec = map(sts.get("spec"));
        Map<String, String> mounts = new LinkedHashMap<>();
        list(container(sts).get("volumeMounts")).stream().map(KubernetesManifestTest::map)
                .forEach(m -> mounts.put((String) m.get("mountPath"), (String) m.get("name")));
        Map<String, String> env = r.environment();

        String sinkVolume = mounts.get(env.get("SINK_DIR"));
        assertThat(sinkVolume).as("a volume mounted at SINK_DIR").isNotNull();
        assertThat(list(spec.get("volumeClaimTemplates")).stream().map(t -> map(map(t).get("metadata")).get("name")))
                .as("SINK_DIR is a volumeClaimTemplate: its .file-sink-tail stays with the pod").contains(sinkVolume);

        String routesVolume = mounts.get(env.get("ROUTES_DIR"));
        assertThat(routesVolume).as("a volume mounted at ROUTES_DIR").isNotNull();
        Map<String, Object> volume = list(map(map(spec.get("template")).get("spec")).get("volumes")).stream()
                .map(KubernetesManifestTest::map).filter(v -> routesVolume.equals(v.get("name"))).findFirst()
                .orElseThrow();
        String configMap = (String) map(volume.get("configMap")).get("name");
        Map<String, Object> data = map(r.named("ConfigMap", configMap).get("data"));
        Map<String, String> routes = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                routes.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        assertThat(new TreeMap<>(data)).as("the routes ConfigMap holds routes/*.camel.yaml as they are; copy them "
                + "with: cp routes/*.camel.yaml deploy/kubernetes/base/routes/ and list new ones in "
                + "base/kustomization.yaml").isEqualTo(routes);
        assertThat(env.getOrDefault("ROUTES_RELOAD", "false")).as("a ConfigMap change rolls the pods instead")
                .isEqualTo("false");
    }

    @Test
    void resourcesFitTheImagesJvmSettings() throws Exception {
        Map<String, Object> resources = map(container(render(BASE).one("StatefulSet")).get("resources"));
        Matcher m = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]+)\"").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(m.find()).isTrue();
        long caps = 0;
        for (String option : List.of("-Xmx", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=",
                "-XX:MaxDirectMemorySize=")) {
            Matcher o = Pattern.compile(Pattern.quote(option) + "(\\d+)m").matcher(m.group(1));
            assertThat(o.find()).as(option + " in the Dockerfile").isTrue();
            caps += Long.parseLong(o.group(1));
        }
        long request = mebibytes(map(resources.get("requests")).get("memory"));
        long limit = mebibytes(map(resources.get("limits")).get("memory"));
        assertThat(request).as("memory request against the JVM's caps").isGreaterThanOrEqualTo(caps);
        assertThat(limit).as("memory limit: the caps and the threads, GC and class-data archive beyond them")
                .isGreaterThanOrEqualTo(caps + caps / 4);
        assertThat(container(render(BASE).one("StatefulSet")).toString()).doesNotContain("JAVA_TOOL_OPTIONS");
    }

    @Test
    void theSecretsHoldThePasswordsAndNoConfigMapDoes() throws Exception {
        Rendered r = render(BASE);
        Set<String> secretKeys = new TreeSet<>();
        r.all("Secret").forEach(s -> secretKeys.addAll(map(s.get("data")).keySet()));
        assertThat(secretKeys).contains("AUDIT_DB_PASSWORD", "KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "KAFKA_SSL_KEY_PASSWORD");
        for (Map<String, Object> cm : r.all("ConfigMap")) {
            assertThat(map(cm.get("data")).keySet()).noneMatch(k -> k.contains("PASSWORD") || k.contains("JAAS"));
        }
    }

    @Test
    void theMonitoringOverlayScrapesTheMetricsPath() throws Exception {
        Map<String, Object> monitor = render(BASE.resolve("overlays/monitoring")).one("PodMonitor");
        Map<String, Object> endpoint = map(list(map(monitor.get("spec")).get("podMetricsEndpoints")).get(0));
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/observe/metrics");
    }

    @Test
    void theTidbOperatorOverlayUsesTicdcsPeerServiceAndTheClusterClientCertificate() throws Exception {
        Rendered r = render(BASE.resolve("overlays/tidb-operator"));
        Map<String, String> env = r.environment();
        assertThat(env.get("TICDC_URL")).matches("https://[a-z0-9-]+-ticdc-peer:8301");
        Map<String, Object> sts = r.one("StatefulSet");
        Map<String, Object> tls = list(map(map(map(sts.get("spec")).get("template")).get("spec")).get("volumes"))
                .stream().map(KubernetesManifestTest::map).filter(v -> v.containsKey("secret")).findFirst()
                .orElseThrow();
        assertThat((String) map(tls.get("secret")).get("secretName")).endsWith("-cluster-client-secret");
        String mountPath = list(container(sts).get("volumeMounts")).stream().map(KubernetesManifestTest::map)
                .filter(m -> tls.get("name").equals(m.get("name"))).map(m -> (String) m.get("mountPath"))
                .findFirst().orElseThrow();
        assertThat(env).containsEntry("CLUSTER_TLS_CA", mountPath + "/ca.crt")
                .containsEntry("CLUSTER_TLS_CERT", mountPath + "/tls.crt")
                .containsEntry("CLUSTER_TLS_KEY", mountPath + "/tls.key");
        for (String url : List.of("PD_URL", "TIDB_STATUS_URL", "TICDC_URL")) {
            assertThat(env.get(url)).startsWith("https://");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The objects {@code kubectl kustomize dir} prints. */
    record Rendered(List<Map<String, Object>> objects) {

        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> all = all(kind);
            assertThat(all).as("objects of kind " + kind).hasSize(1);
            return all.get(0);
        }

        Map<String, Object> named(String kind, String name) {
            return all(kind).stream().filter(o -> name.equals(map(o.get("metadata")).get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
        }

        /**
         * The routes container's environment as the pod sees it: the ConfigMaps and Secrets of envFrom (Secrets
         * decoded), then env, which wins.
         */
        Map<String, String> environment() {
            Map<String, Object> c = container(one("StatefulSet"));
            Map<String, String> env = new TreeMap<>();
            for (Object from : list(c.get("envFrom"))) {
                Map<String, Object> f = map(from);
                if (f.containsKey("configMapRef")) {
                    map(named("ConfigMap", (String) map(f.get("configMapRef")).get("name")).get("data"))
                            .forEach((k, v) -> env.put(k, String.valueOf(v)));
                }
                if (f.containsKey("secretRef")) {
                    Map<String, Object> data = map(named("Secret", (String) map(f.get("secretRef")).get("name"))
                            .get("data"));
                    data.forEach((k, v) -> env.put(k, new String(java.util.Base64.getDecoder()
                            .decode(String.valueOf(v)), StandardCharsets.UTF_8)));
                }
            }
            for (Object e : list(c.get("env"))) {
                Map<String, Object> v = map(e);
                env.put((String) v.get("name"), v.containsKey("value") ? String.valueOf(v.get("value")) : "");
            }
            return env;
        }
    }

    static Rendered render(Path dir) throws IOException, InterruptedException {
        assumeTrue(kubectl(), "kubectl is not on PATH: the manifests are not rendered here (CI has it)");
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize " + dir + ": " + err).isZero();
        List<Map<String, Object>> objects = new ArrayList<>();
        Load yaml = new Load(LoadSettings.builder().setLabel(dir.toString()).build());
        for (Object o : yaml.loadAllFromString(out)) {
            if (o != null) {
                objects.add(map(o));
            }
        }
        return new Rendered(objects);
    }

    static boolean kubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d,
                "kubectl")));
    }

    static Map<String, Object> container(Map<String, Object> statefulSet) {
        List<Object> containers = list(map(map(map(statefulSet.get("spec")).get("template")).get("spec"))
                .get("containers"));
        assertThat(containers).as("containers").hasSize(1);
        return map(containers.get(0));
    }

    static Map<String, String> fieldRefs(Map<String, Object> container) {
        Map<String, String> refs = new TreeMap<>();
        for (Object e : list(container.get("env"))) {
            Map<String, Object> v = map(e);
            if (v.get("valueFrom") != null && map(v.get("valueFrom")).get("fieldRef") != null) {
                refs.put((String) v.get("name"), (String) map(map(v.get("valueFrom")).get("fieldRef"))
                        .get("fieldPath"));
            }
        }
        return refs;
    }

    static List<String> names(Map<String, Object> container) {
        return list(container.get("env")).stream().map(e -> (String) map(e).get("name")).toList();
    }

    static String probe(Map<String, Object> container, String kind) {
        Map<String, Object> get = map(map(container.get(kind)).get("httpGet"));
        return get.get("path") + "@" + get.get("port");
    }

    static long mebibytes(Object quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(String.valueOf(quantity));
        assertThat(m.matches()).as("memory quantity " + quantity + " in Mi or Gi").isTrue();
        return Long.parseLong(m.group(1)) * ("Gi".equals(m.group(2)) ? 1024 : 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
