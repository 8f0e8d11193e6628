package dev.turnstile.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordination-service way: one etcd transaction, {@code if create_revision(key) == 0 then put(key) else
 * get(key)}, recording the attempt under an attempts prefix in both branches. Through etcd's JSON gateway.
 */
final class EtcdTarget implements ClaimTarget {

    private final URI txnUri;
    private final HttpClient http;
    private final AtomicLong attempts = new AtomicLong();

    EtcdTarget(URI baseUrl) {
        this.txnUri = baseUrl.resolve("/v3/kv/txn");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public boolean claim(String project, String task, String sha, String agent) throws Exception {
        var key = b64("claims/" + project + ":" + task + ":" + sha);
        var attemptKey = b64("attempts/" + project + ":" + task + ":" + sha + "/" + attempts.incrementAndGet());
        var value = b64(agent);
        var body = "{\"compare\":[{\"key\":\"" + key + "\",\"result\":\"EQUAL\",\"target\":\"CREATE\","
                + "\"create_revision\":\"0\"}],"
                + "\"success\":[{\"request_put\":{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}},"
                + "{\"request_put\":{\"key\":\"" + attemptKey + "\",\"value\":\"" + b64(agent + " granted") + "\"}}],"
                + "\"failure\":[{\"request_range\":{\"key\":\"" + key + "\"}},"
                + "{\"request_put\":{\"key\":\"" + attemptKey + "\",\"value\":\"" + b64(agent + " denied") + "\"}}]}";
        var response = http.send(
                HttpRequest.newBuilder(txnUri)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body().contains("\"succeeded\":true");
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.close();
    }
}
