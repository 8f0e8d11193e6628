package dev.turnstile.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * An HTTP claim service as CI agents call it — Turnstile's gateway or the PostgreSQL service peer — with the same
 * client, request and answer handling for both: {@code POST /api/claim}, JSON, HTTP/1.1 with keep-alive.
 */
final class HttpClaimTarget implements ClaimTarget {

    private final String name;
    private final URI claimUri;
    private final HttpClient http;

    HttpClaimTarget(String name, URI baseUrl) {
        this.name = name;
        this.claimUri = baseUrl.resolve("/api/claim");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public String name() {
        return name;
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
        return proceeds(response.statusCode(), response.body());
    }

    /** Whether an answer says proceed; both services write {@code proceed} first. Throws on anything but a decision. */
    static boolean proceeds(int status, String body) {
        if (status == 200 && body.startsWith("{\"proceed\":true")) {
            return true;
        }
        if (status == 200 && body.startsWith("{\"proceed\":false")) {
            return false;
        }
        throw new IllegalStateException(
                "HTTP " + status + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }

    @Override
    public void close() {
        http.close();
    }
}
