package dev.turnstile.projections.jobs.web;

import dev.turnstile.projections.jobs.JobChange;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.query.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live streams of job events as Server-Sent Events: a queue's events, or one job's. Each stream has a bounded buffer
 * and a thread of its own (virtual) that writes it; the read model hands it events on its reader thread without ever
 * waiting. A client that falls further behind than its buffer is disconnected and resumes with {@code Last-Event-ID}
 * from the events the read model keeps. At most {@code maxStreams} are open at once.
 */
final class JobEventStreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    /** How long a browser waits before reconnecting a dropped stream. */
    private static final long RECONNECT_MILLIS = 2000;

    /**
     * @param maxStreams most streams open at once
     * @param buffer events buffered per stream
     * @param heartbeat how often an idle stream sends a comment
     * @param maxDuration how long one stream lasts before the server ends it (the client reconnects and resumes)
     */
    record Settings(int maxStreams, int buffer, Duration heartbeat, Duration maxDuration) {}

    private final JobQueries queries;
    private final Settings settings;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

    JobEventStreams(JobQueries queries, Settings settings) {
        this.queries = queries;
        this.settings = settings;
    }

    /** What opening a stream came to. */
    sealed interface Opening {}

    record Opened(SseEmitter emitter) implements Opening {}

    record TooMany(int openNow) implements Opening {}

    /**
     * Opens a stream of {@code queue}'s events (about {@code jobId} only, when given), resuming after the event with
     * sequence {@code after} when it is not null.
     */
    Opening open(String queue, String jobId, Long after) {
        if (open.incrementAndGet() > settings.maxStreams()) {
            open.decrementAndGet();
            refused.incrementAndGet();
            return new TooMany(open.get());
        }
        var stream = new Stream(queue, jobId, after);
        streams.add(stream);
        stream.start();
        return new Opened(stream.emitter);
    }

    /** Streams open now. */
    int openCount() {
        return open.get();
    }

    /** Streams refused because {@code maxStreams} were open. */
    long refusedCount() {
        return refused.get();
    }

    /** Streams closed because their client fell further behind than the buffer. */
    long overflowedCount() {
        return overflowed.get();
    }

    /** Ends every stream (clients reconnect elsewhere, or when the application is back). */
    @Override
    public void close() {
        for (var stream : streams) {
            stream.emitter.complete();
            stream.close();
        }
    }

    private final class Stream {

        private final String queue;
        private final String jobId;
        private final Long after;
        private final SseEmitter emitter;
        private final ArrayBlockingQueue<JobChange.EventApplied> buffer;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean behind;
        private Subscription subscription;
        private Thread writer;

        Stream(String queue, String jobId, Long after) {
            this.queue = queue;
            this.jobId = jobId;
            this.after = after;
            this.emitter = new SseEmitter(settings.maxDuration().toMillis());
            this.buffer = new ArrayBlockingQueue<>(settings.buffer());
        }

        void start() {
            emitter.onCompletion(this::close);
            emitter.onError(error -> close());
            emitter.onTimeout(() -> {
                emitter.complete();
                close();
            });
            // Subscribed before the replay is read, so that nothing falls between the two (duplicates are skipped).
            subscription = queries.subscribe(change -> {
                if (change instanceof JobChange.EventApplied event
                        && event.queue().equals(queue)
                        && (jobId == null || jobId.equals(event.jobId()))
                        && !buffer.offer(event)) {
                    behind = true;
                }
            });
            writer = Thread.ofVirtual().name("job-events-stream").start(this::write);
        }

        private void write() {
            try {
                emitter.send(SseEmitter.event()
                        .reconnectTime(RECONNECT_MILLIS)
                        .comment(jobId == null ? "events of queue " + queue : "events of job " + queue + ":" + jobId));
                long last = after == null ? 0 : after;
                if (after != null) {
                    var replay = queries.eventsAfter(queue, after, jobId);
                    if (!replay.complete()) {
                        emitter.send(SseEmitter.event()
                                .name("reset")
                                .data("{\"reason\":\"events_dropped\","
                                        + "\"message\":\"Events after " + queue + "#" + after
                                        + " are no longer kept: read the"
                                        + " state again and go on from the events that follow\"}"));
                    }
                    for (var event : replay.events()) {
                        send(event);
                        last = event.sequence();
                    }
                }
                while (!closed.get()) {
                    if (behind) {
                        overflowed.incrementAndGet();
                        log.debug(
                                "A live stream of queue {} fell {} events behind; closed, its client resumes with"
                                        + " Last-Event-ID",
                                queue,
                                settings.buffer());
                        emitter.complete();
                        return;
                    }
                    var event = buffer.poll(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                    if (event == null) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    } else if (event.sequence() > last) {
                        send(event);
                        last = event.sequence();
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // The client went away, or the stream completed meanwhile: nothing to do but let go.
                log.trace("A live stream of queue {} ended: {}", queue, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }

        private void send(JobChange.EventApplied event) throws IOException {
            emitter.send(SseEmitter.event()
                    .id(event.eventId())
                    .name(event.type().wireName())
                    .data(event.json()));
        }

        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (subscription != null) {
                subscription.close();
            }
            streams.remove(this);
            open.decrementAndGet();
            var thread = writer;
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
    }
}
