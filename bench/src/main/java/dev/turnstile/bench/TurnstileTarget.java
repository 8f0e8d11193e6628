package dev.turnstile.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/** Turnstile's gateway over HTTP, as CI agents call it. */
final class TurnstileTarget implements ClaimTarget {

    private final URI claimUri;
    private final HttpClient http;

    TurnstileTarget(URI baseUrl) {
        this.claimUri = baseUrl.resolve("/api/claim");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public String name() {
        return "turnstile";
    }

    @Override
    public boolean claim(String project, String task, String sha, String agent) throws Exception {
        var body = "{\"project\":\"" + project + "\",\"task\":\"" + task + "\",\"gitSha\":\"" + sha
                + "\",\"agentId\":\"" + agent + "\"}";
        var response = http.send(
                HttpRequest.newBuilder(claimUri)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return response.body().startsWith("{\"proceed\":true");
    }

    @Override
    public void close() {
        http.close();
    }
}
