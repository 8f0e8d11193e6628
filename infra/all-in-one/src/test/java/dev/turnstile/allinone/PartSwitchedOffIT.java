package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one with a part switched off, as the configuration table allows: it starts, is ready, and decides claims.
 * With the read model off, its readiness check is absent, and the readiness group must not require it.
 */
class PartSwitchedOffIT {

    @Test
    void without_the_read_model_the_all_in_one_starts_is_ready_and_decides_claims(@TempDir Path dataDir)
            throws Exception {
        try (var turnstile = LauncherProcess.start("read-model-off", dataDir, "--turnstile.projections.enabled=false")
                        .awaitStarted(Duration.ofSeconds(120));
                var http = HttpClient.newHttpClient()) {
            var body = "{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"agent-1\"}";
            var claim = http.send(
                    HttpRequest.newBuilder(turnstile.uri("/api/claim"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(40))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            var readiness = http.send(
                    HttpRequest.newBuilder(turnstile.uri("/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
            assertThat(claim.body()).contains("\"proceed\":true");
            assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
            assertThat(readiness.body()).contains("\"status\":\"UP\"");
            assertThat(dataDir.resolve("projections")).doesNotExist();
        }
    }
}
