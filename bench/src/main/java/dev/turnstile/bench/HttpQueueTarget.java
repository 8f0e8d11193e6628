package dev.turnstile.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A work-queue HTTP API as workers call it — Turnstile's gateway or the PostgreSQL service peer, which answers the
 * same paths — with one client for both: {@code POST /api/queues/{queue}/jobs}, {@code …/claim-next} without a wait,
 * {@code POST /api/jobs/{queue}:{jobId}/complete}; JSON, HTTP/1.1 with keep-alive.
 */
final class HttpQueueTarget implements QueueTarget {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final URI base;
    private final HttpClient http;

    HttpQueueTarget(String name, URI base) {
        this.name = name;
        this.base = base;
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
    public void enqueue(String queue, String jobId) throws Exception {
        var response = post(
                "/api/queues/" + queue + "/jobs",
                "{\"name\":\"noop\",\"jobId\":\"" + jobId + "\",\"payload\":{\"n\":1}}");
        if (response.statusCode() != 201) {
            throw failure("enqueue", response);
        }
    }

    @Override
    public Claimed claimNext(String queue, String workerId) throws Exception {
        var response =
                post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"" + workerId + "\",\"waitSeconds\":0}");
        if (response.statusCode() == 204) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw failure("claim-next", response);
        }
        var job = JSON.readTree(response.body());
        return new Claimed(
                queue,
                job.path("jobId").asString(),
                workerId,
                job.path("fencingToken").asLong());
    }

    @Override
    public void complete(Claimed job) throws Exception {
        var response = post(
                "/api/jobs/" + job.queue() + ":" + job.jobId() + "/complete",
                "{\"workerId\":\"" + job.workerId() + "\",\"fencingToken\":" + job.fencingToken() + "}");
        if (response.statusCode() != 200) {
            throw failure("complete", response);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static IllegalStateException failure(String what, HttpResponse<String> response) {
        var body = response.body();
        return new IllegalStateException(what + ": HTTP " + response.statusCode() + ": "
                + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }

    @Override
    public void close() {
        http.close();
    }
}
