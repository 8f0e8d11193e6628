package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard and Prometheus alert rules in {@code infra/observability} are well formed and name only
 * meters the services register: every {@code turnstile_*} series they query is the Prometheus name of a meter
 * registered in the code ({@code Counter.builder("turnstile.claims")} is {@code turnstile_claims_total}, a timer
 * {@code turnstile.claim.latency} gives {@code turnstile_claim_latency_seconds_bucket}, …).
 */
class ObservabilityFilesTest {

    private static final Path REPOSITORY =
            Path.of("").toAbsolutePath().getParent().getParent();
    private static final Path OBSERVABILITY = REPOSITORY.resolve("infra/observability");
    private static final List<String> SERVICE_MODULES =
            List.of("claim-gateway", "claim-processor", "projections", "dashboard-vaadin", "infra/all-in-one");
    private static final Pattern METER_NAME = Pattern.compile("\"(turnstile(?:\\.[a-z]+)+)\"");
    private static final Pattern SERIES = Pattern.compile("\\bturnstile_[a-z_]+\\b");
    private static final List<String> PROMETHEUS_SUFFIXES = List.of(
            "",
            "_total",
            "_seconds_bucket",
            "_seconds_count",
            "_seconds_sum",
            "_seconds_max",
            "_max",
            "_count",
            "_sum");

    @Test
    void every_series_the_dashboard_and_alerts_query_is_a_meter_the_code_registers() throws IOException {
        var known = prometheusNames(meterNames());
        var queried = new TreeSet<String>();
        dashboardExpressions().forEach(expr -> queried.addAll(series(expr)));
        alertRules().forEach(rule -> queried.addAll(series((String) rule.get("expr"))));

        assertThat(queried).isNotEmpty();
        assertThat(known).containsAll(queried);
    }

    @Test
    void every_alert_rule_has_a_name_an_expression_a_severity_and_a_summary() throws IOException {
        var rules = alertRules();

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.get("alert")).asString().matches("Turnstile[A-Za-z]+");
            assertThat(rule.get("expr")).asString().isNotBlank();
            assertThat(rule.get("for")).asString().matches("\\d+[smh]");
            var labels = (Map<?, ?>) rule.get("labels");
            var annotations = (Map<?, ?>) rule.get("annotations");
            assertThat(labels.containsKey("severity")).as("severity label").isTrue();
            assertThat(annotations.containsKey("summary") && annotations.containsKey("description"))
                    .as("summary and description")
                    .isTrue();
        });
        assertThat(rules).extracting(rule -> rule.get("alert")).doesNotHaveDuplicates();
    }

    @Test
    void the_dashboard_has_unique_panel_ids_and_a_query_in_every_panel() throws IOException {
        var dashboard = dashboard();

        assertThat(dashboard.get("uid").asString()).isEqualTo("turnstile");
        var panels = dashboard.get("panels").valueStream().toList();
        assertThat(panels)
                .isNotEmpty()
                .allSatisfy(panel -> assertThat(panel.get("targets")
                                .valueStream()
                                .map(target -> target.get("expr").asString()))
                        .isNotEmpty()
                        .allSatisfy(expr -> assertThat(expr).contains("turnstile_")));
        assertThat(panels).extracting(panel -> panel.get("id").asInt()).doesNotHaveDuplicates();
    }

    /** The names passed to Micrometer in main code: string literals {@code "turnstile.…"} in files using it. */
    private static Set<String> meterNames() throws IOException {
        var names = new TreeSet<String>();
        for (var module : SERVICE_MODULES) {
            try (Stream<Path> files = Files.walk(REPOSITORY.resolve(module).resolve("src/main/java"))) {
                for (var file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    var source = Files.readString(file);
                    if (source.contains("io.micrometer")) {
                        METER_NAME.matcher(source).results().forEach(match -> names.add(match.group(1)));
                    }
                }
            }
        }
        assertThat(names).contains("turnstile.claims", "turnstile.claim.latency", "turnstile.projections.lag");
        return names;
    }

    private static Set<String> prometheusNames(Set<String> meterNames) {
        var names = new TreeSet<String>();
        for (var meter : meterNames) {
            for (var suffix : PROMETHEUS_SUFFIXES) {
                names.add(meter.replace('.', '_') + suffix);
            }
        }
        return names;
    }

    private static List<String> series(String expression) {
        return SERIES.matcher(expression).results().map(match -> match.group()).toList();
    }

    private static JsonNode dashboard() throws IOException {
        return JsonMapper.builder()
                .build()
                .readTree(Files.readString(OBSERVABILITY.resolve("turnstile-dashboard.json")));
    }

    private static List<String> dashboardExpressions() throws IOException {
        var expressions = new ArrayList<String>();
        dashboard()
                .get("panels")
                .forEach(panel -> panel.get("targets")
                        .forEach(target -> expressions.add(target.get("expr").asString())));
        return expressions;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> document =
                new Yaml().load(Files.readString(OBSERVABILITY.resolve("turnstile-alerts.yaml")));
        var rules = new ArrayList<Map<String, Object>>();
        for (var group : (List<Map<String, Object>>) document.get("groups")) {
            assertThat(group.get("name")).asString().isNotBlank();
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }
}
