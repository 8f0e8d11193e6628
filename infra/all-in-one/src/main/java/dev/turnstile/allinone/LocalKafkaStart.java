package dev.turnstile.allinone;

import dev.turnstile.kafka.local.LocalKafkaBroker;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * The local broker starting beside the Spring application: the broker takes seconds (longer after a crash, while it
 * recovers its logs), and so does building the application, which needs no Kafka until its components start. As the
 * first component to start, this waits for the broker; the processor, the decision listener and the read model start
 * after it.
 */
final class LocalKafkaStart implements SmartLifecycle {

    private final CompletableFuture<LocalKafkaBroker> started;
    private volatile boolean running;

    private LocalKafkaStart(CompletableFuture<LocalKafkaBroker> started) {
        this.started = started;
    }

    /** Starts the broker on a thread of its own. */
    static LocalKafkaStart begin(Supplier<LocalKafkaBroker> start) {
        var started = new CompletableFuture<LocalKafkaBroker>();
        Thread.ofPlatform().name("local-kafka-start").start(() -> {
            try {
                started.complete(start.get());
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        });
        return new LocalKafkaStart(started);
    }

    /** Waits for the broker; its failure (a port in use, a foreign data directory) fails the application's start. */
    @Override
    public void start() {
        try {
            started.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        running = true;
    }

    /** Why the broker did not start, if it did not. */
    Optional<RuntimeException> failure() {
        if (!started.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            started.join();
            return Optional.empty();
        } catch (CompletionException e) {
            return Optional.of(e.getCause() instanceof RuntimeException cause ? cause : e);
        }
    }

    /** Waits until the broker has started or failed, so that shutting down never leaves one starting behind. */
    void awaitSettled() {
        try {
            started.join();
        } catch (CompletionException e) {
            // Reported by start() or failure(); here only the waiting matters.
        }
    }

    @Override
    public void stop() {
        // The launcher stops the broker after the whole application, which still uses it while stopping.
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
