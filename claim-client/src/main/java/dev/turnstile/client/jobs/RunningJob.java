package dev.turnstile.client.jobs;

import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.contracts.job.JobRules;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One job a {@link Worker} holds: the handler's thread, the lease as last confirmed, the progress and log lines to
 * send, and whether (and why) the work must stop. Heartbeats and log batches are sent from the worker's ticker.
 */
final class RunningJob implements JobContext {

    private static final long SHORTEST_HEARTBEAT_NANOS = Duration.ofMillis(200).toNanos();

    /** Log lines sent once this many wait, even before the flush interval. */
    private static final int FLUSH_AT_LINES = 500;

    private final Job job;
    private final JobClient client;
    private final Worker.Settings settings;
    private final long leaseNanos;
    private final long heartbeatEveryNanos;
    private final AtomicReference<StopReason> stop = new AtomicReference<>();
    private final AtomicBoolean heartbeatInFlight = new AtomicBoolean();
    private final AtomicBoolean flushInFlight = new AtomicBoolean();
    private final ReentrantLock flushing = new ReentrantLock();
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long droppedLines;
    private volatile Thread thread;
    private volatile Integer progress;
    private volatile String progressMessage;
    private volatile long confirmedUntilNanos;
    private volatile long nextHeartbeatNanos;
    private volatile long lastFlushNanos;
    private volatile boolean finishing;

    RunningJob(Job job, JobClient client, Worker.Settings settings, long receivedNanos) {
        this.job = job;
        this.client = client;
        this.settings = settings;
        this.leaseNanos = Duration.ofSeconds(Math.max(1, job.leaseSeconds())).toNanos();
        this.heartbeatEveryNanos = Math.max(SHORTEST_HEARTBEAT_NANOS, leaseNanos / 3);
        this.confirmedUntilNanos = receivedNanos + leaseNanos;
        this.nextHeartbeatNanos = receivedNanos + heartbeatEveryNanos;
        this.lastFlushNanos = receivedNanos;
    }

    @Override
    public Job job() {
        return job;
    }

    @Override
    public void progress(int percent) {
        progress = Math.max(0, Math.min(100, percent));
    }

    @Override
    public void progress(int percent, String message) {
        progress(percent);
        progressMessage =
                message == null || message.isEmpty() ? null : JobClient.cut(message, JobRules.MESSAGE_MAX_LENGTH);
    }

    @Override
    public void log(String line) {
        var cut = JobClient.cut(line == null ? "" : line, JobRules.LOG_LINE_MAX_LENGTH);
        synchronized (lines) {
            if (lines.size() >= settings.logBufferLines()) {
                lines.pollFirst();
                droppedLines++;
            }
            lines.addLast(cut);
        }
    }

    @Override
    public WorkerAnswer attach(Artifact artifact) {
        var answer = client.attachArtifact(job, artifact);
        if (!answer.accepted()) {
            stop(refusal(answer));
        }
        return answer;
    }

    @Override
    public boolean stopRequested() {
        return stop.get() != null;
    }

    @Override
    public Optional<StopReason> stopReason() {
        return Optional.ofNullable(stop.get());
    }

    /** The handler's thread; interrupted when the job is stopped. */
    void runOn(Thread handlerThread) {
        thread = handlerThread;
        if (stopRequested()) {
            handlerThread.interrupt();
        }
    }

    /** Asks the work to stop: the first reason wins; the handler's thread is interrupted. */
    boolean stop(StopReason reason) {
        if (!stop.compareAndSet(null, reason)) {
            return false;
        }
        settings.logger()
                .accept("Stopping " + job.id() + " (attempt " + job.attempt() + ", token " + job.fencingToken() + "): "
                        + reason.message());
        var handler = thread;
        if (handler != null) {
            handler.interrupt();
        }
        return true;
    }

    /** The handler returned: no more heartbeats; the slot reports the outcome. */
    void finishing() {
        finishing = true;
    }

    /** Until when the lease is known to hold (this worker's clock): the last confirmed heartbeat's send time + lease. */
    long confirmedUntilNanos() {
        return confirmedUntilNanos;
    }

    /** What the ticker does for this job: stop it when the lease ran out unconfirmed, heartbeat, send log lines. */
    void tick(long now, java.util.concurrent.Executor executor) {
        if (finishing || stopRequested()) {
            return;
        }
        if (now - confirmedUntilNanos > 0) {
            stop(new StopReason(
                    StopReason.Kind.LEASE_LOST,
                    "no heartbeat was confirmed before its " + job.leaseSeconds()
                            + " s lease ran out: another worker may hold it now"));
            return;
        }
        if (now - nextHeartbeatNanos >= 0 && heartbeatInFlight.compareAndSet(false, true)) {
            executor.execute(this::heartbeat);
        }
        if ((now - lastFlushNanos >= settings.logFlushInterval().toNanos() || buffered() >= FLUSH_AT_LINES)
                && buffered() > 0
                && flushInFlight.compareAndSet(false, true)) {
            executor.execute(() -> {
                try {
                    flush();
                } finally {
                    flushInFlight.set(false);
                }
            });
        }
    }

    private void heartbeat() {
        long sent = System.nanoTime();
        try {
            var answer = client.heartbeat(job, progress, progressMessage);
            if (answer.accepted()) {
                confirmedUntilNanos = sent + leaseNanos;
                nextHeartbeatNanos = sent + heartbeatEveryNanos;
            } else if (!finishing) {
                stop(refusal(answer));
            }
        } catch (CoordinatorUnavailableException | JobRejectedException e) {
            settings.logger()
                    .accept("Could not heartbeat " + job.id() + "; trying again shortly, and stopping the"
                            + " job if no heartbeat is confirmed before its lease runs out: " + e.getMessage());
            nextHeartbeatNanos = System.nanoTime()
                    + Math.min(heartbeatEveryNanos, Duration.ofSeconds(1).toNanos());
        } finally {
            heartbeatInFlight.set(false);
        }
    }

    /**
     * Sends every waiting log line, in batches within the API's limits. Lines that could not be sent go back to wait
     * for the next flush.
     *
     * @return false when the coordinator refused them (the job is stopped then)
     */
    boolean flush() {
        flushing.lock();
        try {
            lastFlushNanos = System.nanoTime();
            while (true) {
                var batch = nextBatch();
                if (batch.isEmpty()) {
                    return true;
                }
                WorkerAnswer answer;
                try {
                    answer = client.appendLogs(job, batch);
                } catch (CoordinatorUnavailableException e) {
                    putBack(batch);
                    settings.logger()
                            .accept("Could not send " + batch.size() + " log lines of " + job.id()
                                    + "; they are sent with the next batch: " + e.getMessage());
                    return true;
                }
                if (!answer.accepted()) {
                    stop(refusal(answer));
                    return false;
                }
            }
        } finally {
            flushing.unlock();
        }
    }

    private int buffered() {
        synchronized (lines) {
            return lines.size() + (droppedLines > 0 ? 1 : 0);
        }
    }

    private List<String> nextBatch() {
        var batch = new ArrayList<String>();
        long chars = 0;
        synchronized (lines) {
            if (droppedLines > 0) {
                var marker = "[turnstile worker: " + droppedLines + " earlier lines dropped: the job wrote them faster"
                        + " than they could be sent]";
                batch.add(marker);
                chars += marker.length();
                droppedLines = 0;
            }
            while (!lines.isEmpty()
                    && batch.size() < JobRules.LOG_LINES_MAX
                    && chars + lines.peekFirst().length() <= JobRules.LOG_TOTAL_MAX_LENGTH) {
                var line = lines.pollFirst();
                batch.add(line);
                chars += line.length();
            }
        }
        return batch;
    }

    private void putBack(List<String> batch) {
        synchronized (lines) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (lines.size() >= settings.logBufferLines()) {
                    droppedLines++;
                } else {
                    lines.addFirst(batch.get(i));
                }
            }
        }
    }

    /** Why a refused report means the job must stop. */
    static StopReason refusal(WorkerAnswer answer) {
        var kind = answer.cancelled() ? StopReason.Kind.CANCELLED : StopReason.Kind.LEASE_LOST;
        return new StopReason(kind, answer.message() + " (" + answer.reason() + ")");
    }
}
