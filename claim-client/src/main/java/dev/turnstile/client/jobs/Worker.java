package dev.turnstile.client.jobs;

import dev.turnstile.client.AgentId;
import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.contracts.job.JobRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs the jobs of one queue: {@code concurrency} slots, each long-polling claim-next and running the job it gets
 * with the {@link JobHandler} on a thread of its own, while the worker heartbeats every third of the job's lease
 * (with the progress the handler reported) and sends its log lines in batches.
 *
 * <pre>{@code
 * try (var jobs = JobClient.builder(url).build();
 *      var worker = Worker.builder(jobs, "emails", (job, context) -> {
 *          context.progress(50, "rendering");
 *          return send(job.payloadAs(Welcome.class));
 *      }).concurrency(5).build().start()) {
 *     worker.awaitTermination();   // until close() or shutdown() from another thread
 * }
 * }</pre>
 *
 * <p><b>A job whose lease is lost is stopped, never completed.</b> When a heartbeat or report is refused (an operator
 * cancelled the job, another attempt started, the lease ran out) or no heartbeat was confirmed before the lease ran
 * out (the coordinator unreachable), the worker interrupts the handler's thread and reports nothing for that attempt,
 * whatever the handler returns.
 *
 * <p><b>Shutdown</b> ({@link #shutdown(Duration)}, {@link #close()}): the slots stop claiming (a claim-next already
 * waiting is answered within its wait, and a job it brings is run), the jobs held are given the grace to finish and
 * are reported as usual; jobs still running when the grace runs out are stopped and <em>failed as retryable</em>
 * ({@code worker shut down}). Failing them, rather than letting their leases lapse, hands them to another worker after
 * their backoff instead of after the rest of the lease, and their timeline says why the attempt ended rather than
 * blaming a crash (both count the attempt).
 *
 * <p>Every request is retried on network errors and 503 with its request id; a claim-next that got no answer is asked
 * again with the same request id until it gets one, so a job claimed for this worker is never lost in a dropped answer.
 */
public final class Worker implements AutoCloseable {

    /** How often the worker looks at the jobs it holds (heartbeats due, log lines to send, leases run out). */
    private static final Duration TICK = Duration.ofMillis(100);

    /** Pause after a claim-next that got no answer, doubling up to the longest. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    /** After the grace: how long to wait for handlers to honour the interrupt and slots to leave claim-next. */
    private static final Duration AFTER_GRACE = Duration.ofSeconds(10);

    /**
     * What a worker does so far.
     *
     * @param claimed jobs handed to this worker
     * @param succeeded jobs whose success the coordinator recorded
     * @param failed attempts whose failure the coordinator recorded (shutdown failures included)
     * @param stopped jobs stopped before they finished (cancelled, lease lost, shutdown)
     * @param unrecorded outcomes the coordinator refused or could not be told before the lease ran out
     */
    public record Stats(long claimed, long succeeded, long failed, long stopped, long unrecorded) {}

    /** The settings a running job needs. */
    record Settings(Consumer<String> logger, Duration logFlushInterval, int logBufferLines) {}

    private final JobClient client;
    private final String queue;
    private final JobHandler handler;
    private final String workerId;
    private final int concurrency;
    private final Duration pollWait;
    private final Duration shutdownGrace;
    private final long maxJobs;
    private final AtomicLong tickets = new AtomicLong();
    private final Settings settings;
    private final Map<String, RunningJob> active = new ConcurrentHashMap<>();
    private final List<Thread> slots = new ArrayList<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong stopped = new AtomicLong();
    private final AtomicLong unrecorded = new AtomicLong();
    private volatile boolean started;
    private volatile boolean stopping;
    private volatile boolean forced;

    private Worker(Builder builder) {
        this.client = builder.client;
        this.queue = builder.queue;
        this.handler = builder.handler;
        this.workerId = builder.workerId;
        this.concurrency = builder.concurrency;
        this.pollWait = builder.pollWait;
        this.shutdownGrace = builder.shutdownGrace;
        this.maxJobs = builder.maxJobs;
        this.settings = new Settings(builder.logger, builder.logFlushInterval, builder.logBufferLines);
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("turnstile-worker-ticker-" + queue)
                .daemon()
                .unstarted(runnable));
    }

    /**
     * A worker for {@code queue} that runs each job with {@code handler}.
     *
     * @throws JobRejectedException when the queue name breaks the rules
     */
    public static Builder builder(JobClient client, String queue, JobHandler handler) {
        return new Builder(client, queue, handler);
    }

    /** Starts the slots and the ticker; returns this worker. */
    public synchronized Worker start() {
        if (started) {
            return this;
        }
        started = true;
        settings.logger()
                .accept("Worker " + workerId + " takes jobs of queue " + queue + ", " + concurrency
                        + " at a time, from " + client.coordinatorUrl());
        ticker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 1; i <= concurrency; i++) {
            int slot = i;
            slots.add(Thread.ofVirtual()
                    .name("turnstile-worker-" + queue + "-" + slot)
                    .start(() -> slot(slot)));
        }
        Thread.ofVirtual().name("turnstile-worker-" + queue + "-watch").start(() -> {
            for (var thread : slots) {
                joinQuietly(thread, null);
            }
            terminated.countDown();
        });
        return this;
    }

    /** The worker id claims are made under. */
    public String workerId() {
        return workerId;
    }

    /** The jobs this worker holds now. */
    public List<Job> activeJobs() {
        return active.values().stream().map(RunningJob::job).toList();
    }

    public Stats stats() {
        return new Stats(claimed.get(), succeeded.get(), failed.get(), stopped.get(), unrecorded.get());
    }

    /**
     * Waits until every slot ended (after {@link #shutdown} or a fatal error).
     *
     * @throws JobRejectedException when the coordinator refused the worker's claim-next as invalid (a queue or worker
     *     id it does not accept): a configuration error no retry fixes
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
        var failure = fatal.get();
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits up to {@code timeout} for every slot to end; true if they did. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops claiming, gives the jobs held up to {@code grace} to finish (and be reported), then stops the rest and
     * fails them as retryable. Returns true when every job finished within the grace.
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        if (!started) {
            release();
            return true;
        }
        stopping = true;
        var held = active.size();
        if (held > 0) {
            settings.logger()
                    .accept("Shutting down: no more jobs taken; waiting up to " + JobClient.human(grace) + " for the "
                            + held + " held to finish");
        }
        boolean inTime = terminated.await(grace.toNanos(), TimeUnit.NANOSECONDS);
        if (!inTime) {
            forced = true;
            for (var job : active.values()) {
                job.stop(new StopReason(
                        StopReason.Kind.SHUTDOWN,
                        "the worker shut down before it finished (after a " + JobClient.human(grace)
                                + " grace); failing the attempt so that another worker retries it"));
            }
            if (!terminated.await(pollWait.plus(AFTER_GRACE).toNanos(), TimeUnit.NANOSECONDS)) {
                settings.logger()
                        .accept("Gave up waiting for " + active.keySet() + " to stop: their handlers ignore"
                                + " interruption; their leases run out without heartbeats");
            }
        }
        release();
        return inTime && !forced && active.isEmpty();
    }

    /** {@link #shutdown(Duration)} with the builder's grace (30 s by default). */
    @Override
    public void close() {
        try {
            shutdown(shutdownGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forced = true;
            active.values()
                    .forEach(job -> job.stop(new StopReason(
                            StopReason.Kind.SHUTDOWN, "the worker was interrupted while shutting down")));
            release();
        }
    }

    private void release() {
        stopping = true;
        ticker.shutdownNow();
        background.shutdown();
        if (!started) {
            terminated.countDown();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (var job : active.values()) {
            try {
                job.tick(now, background);
            } catch (RuntimeException e) {
                // A rejected task after shutdown began, say: the slot still reports the job.
                settings.logger().accept("Could not look after " + job.job().id() + ": " + e);
            }
        }
    }

    /** One slot: claim (long-poll), run, report; until shutdown. */
    private void slot(int slot) {
        String pending = null;
        Duration pendingWait = pollWait;
        var pause = FIRST_PAUSE;
        while (true) {
            if (pending == null && (stopping || fatal.get() != null)) {
                return;
            }
            if (pending == null && maxJobs > 0 && tickets.incrementAndGet() > maxJobs) {
                // This many jobs were taken: the slot ends once the others have.
                tickets.decrementAndGet();
                return;
            }
            if (pending == null) {
                pending = UUID.randomUUID().toString();
                pendingWait = stopping ? Duration.ZERO : pollWait;
            }
            Optional<Job> job;
            long received;
            try {
                job = client.claimNext(queue, workerId, pendingWait, pending);
                received = System.nanoTime();
                pending = null;
                pause = FIRST_PAUSE;
            } catch (CoordinatorUnavailableException e) {
                if (forced) {
                    settings.logger()
                            .accept("Slot " + slot + " stops without an answer to claim-next " + pending
                                    + ": a job it may have claimed is retried once its lease runs out");
                    return;
                }
                settings.logger()
                        .accept("No job from " + client.coordinatorUrl() + " (slot " + slot + "): " + e.getMessage()
                                + "; asking again in " + JobClient.human(pause) + " with the same request id");
                if (!pause(pause)) {
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                continue;
            } catch (JobRejectedException e) {
                fatal.compareAndSet(null, e);
                settings.logger().accept("Worker stops: " + e.getMessage());
                return;
            }
            if (job.isEmpty() && maxJobs > 0) {
                tickets.decrementAndGet();
            }
            job.ifPresent(claimedJob -> run(claimedJob, received));
        }
    }

    /** Runs one job on a thread of its own, then reports its outcome unless it was stopped. */
    private void run(Job job, long received) {
        claimed.incrementAndGet();
        var running = new RunningJob(job, client, settings, received);
        active.put(job.id(), running);
        var outcome = new AtomicReference<Object>();
        var failure = new AtomicReference<Throwable>();
        var thread = Thread.ofVirtual().name("turnstile-job-" + job.id()).unstarted(() -> {
            try {
                outcome.set(handler.handle(job, running));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        running.runOn(thread);
        thread.start();
        joinQuietly(thread, running);
        running.finishing();
        try {
            report(running, outcome.get(), failure.get());
        } finally {
            active.remove(job.id());
        }
    }

    private void report(RunningJob running, Object result, Throwable failure) {
        var job = running.job();
        var stop = running.stopReason();
        if (stop.isPresent() && stop.get().kind() != StopReason.Kind.SHUTDOWN) {
            stopped.incrementAndGet();
            settings.logger()
                    .accept("Stopped " + job.id() + " (attempt " + job.attempt() + "); nothing reported: "
                            + stop.get().message());
            return;
        }
        if (!running.flush()) {
            stopped.incrementAndGet();
            return;
        }
        String error;
        boolean retryable;
        if (stop.isPresent()) {
            stopped.incrementAndGet();
            error = "worker shut down: " + workerId + " stopped the job before it finished";
            retryable = true;
        } else if (failure == null) {
            error = null;
            retryable = false;
        } else if (failure instanceof JobFailure jobFailure) {
            error = String.valueOf(jobFailure.getMessage());
            retryable = jobFailure.isRetryable();
        } else {
            error = failure.toString();
            retryable = true;
        }
        var requestId = UUID.randomUUID().toString();
        while (true) {
            try {
                var answer = error == null
                        ? client.complete(job, result, requestId)
                        : client.fail(job, error, retryable, requestId);
                if (answer.accepted()) {
                    (error == null ? succeeded : failed).incrementAndGet();
                    settings.logger()
                            .accept((error == null ? "Completed " : "Failed ") + job.id() + " (attempt "
                                    + job.attempt() + " of " + job.maxAttempts() + ")"
                                    + (error == null
                                            ? ""
                                            : ": " + JobClient.cut(error, 200) + "; " + answer.message()));
                } else {
                    unrecorded.incrementAndGet();
                    settings.logger()
                            .accept("The " + (error == null ? "success" : "failure") + " of " + job.id()
                                    + " was not recorded: " + answer.message() + " (" + answer.reason() + ")");
                }
                return;
            } catch (CoordinatorUnavailableException e) {
                if (System.nanoTime() - running.confirmedUntilNanos() > 0 || forced && stop.isEmpty()) {
                    unrecorded.incrementAndGet();
                    settings.logger()
                            .accept("Could not report the outcome of " + job.id() + " before its lease ran"
                                    + " out; the coordinator retries the job: " + e.getMessage());
                    return;
                }
                settings.logger()
                        .accept("Could not report the outcome of " + job.id() + "; trying again with the"
                                + " same request id: " + e.getMessage());
                if (!pause(Duration.ofSeconds(1))) {
                    return;
                }
            }
        }
    }

    /** Waits for a handler's thread; once the job was asked to stop, says so if the handler takes long to end. */
    private void joinQuietly(Thread thread, RunningJob running) {
        boolean warned = false;
        while (true) {
            try {
                if (thread.join(Duration.ofSeconds(10))) {
                    return;
                }
                if (running != null && running.stopRequested() && !warned) {
                    warned = true;
                    settings.logger()
                            .accept("The handler of " + running.job().id() + " has not ended 10 s after it"
                                    + " was interrupted; still waiting for it (it holds a slot)");
                }
            } catch (InterruptedException e) {
                // Slots are not interrupted; the watch thread keeps waiting for them.
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Configures a {@link Worker}; every setting but the queue and handler has a default. */
    public static final class Builder {

        private final JobClient client;
        private final String queue;
        private final JobHandler handler;
        private String workerId = AgentId.defaultAgentId();
        private int concurrency = 1;
        private Duration pollWait = Duration.ofSeconds(20);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration logFlushInterval = Duration.ofSeconds(1);
        private int logBufferLines = 10_000;
        private long maxJobs;
        private Consumer<String> logger = line -> System.err.println("turnstile worker: " + line);

        private Builder(JobClient client, String queue, JobHandler handler) {
            this.client = Objects.requireNonNull(client, "client");
            this.handler = Objects.requireNonNull(handler, "handler");
            var violations = JobRules.checkQueue(queue);
            if (!violations.isEmpty()) {
                throw JobRejectedException.locally("queue", violations);
            }
            this.queue = queue;
        }

        /** Who claims: 1–200 printable ASCII characters; the CI job or {@code hostname-pid} by default. */
        public Builder workerId(String workerId) {
            var violations = JobRules.checkWorkerId(workerId);
            if (!violations.isEmpty()) {
                throw JobRejectedException.locally("worker id", violations);
            }
            this.workerId = workerId;
            return this;
        }

        /** How many jobs run at once (1 to 1,000); 1 by default. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("concurrency must be 1 to 1000; got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** How long one claim-next waits for a job (whole seconds, 0 to 30 s); 20 s by default. */
        public Builder pollWait(Duration pollWait) {
            if (pollWait == null
                    || pollWait.isNegative()
                    || pollWait.toSeconds() > JobRules.WAIT_MAX_SECONDS
                    || pollWait.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("pollWait must be whole seconds from 0 s to "
                        + JobRules.WAIT_MAX_SECONDS + " s; got " + pollWait);
            }
            this.pollWait = pollWait;
            return this;
        }

        /** How long {@link #close()} lets held jobs finish before failing them as retryable; 30 s by default. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            if (shutdownGrace == null || shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must be zero or positive; got " + shutdownGrace);
            }
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** How often a job's log lines are sent (sooner when 500 wait); 1 s by default. */
        public Builder logFlushInterval(Duration logFlushInterval) {
            if (logFlushInterval == null || logFlushInterval.isNegative() || logFlushInterval.isZero()) {
                throw new IllegalArgumentException("logFlushInterval must be positive; got " + logFlushInterval);
            }
            this.logFlushInterval = logFlushInterval;
            return this;
        }

        /** Most log lines of one job waiting to be sent; older ones are dropped beyond it. 10,000 by default. */
        public Builder logBufferLines(int logBufferLines) {
            if (logBufferLines < 1) {
                throw new IllegalArgumentException("logBufferLines must be 1 or more; got " + logBufferLines);
            }
            this.logBufferLines = logBufferLines;
            return this;
        }

        /**
         * Takes at most this many jobs, then ends once they are done ({@link #awaitTermination()} returns); 0, the
         * default, for no limit.
         */
        public Builder maxJobs(long maxJobs) {
            if (maxJobs < 0) {
                throw new IllegalArgumentException("maxJobs must be 0 (no limit) or more; got " + maxJobs);
            }
            this.maxJobs = maxJobs;
            return this;
        }

        /** Where the worker says what it does (jobs taken, reported, stopped; retries); standard error by default. */
        public Builder logger(Consumer<String> logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /** The worker, not started yet. */
        public Worker build() {
            return new Worker(this);
        }
    }
}
