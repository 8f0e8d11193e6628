package dev.turnstile.bench;

import java.time.Duration;
import java.util.function.LongConsumer;

/** Runs levels of the queue workload against one system: from Java, or through a driver of its own (BullMQ). */
interface QueueLevels extends AutoCloseable {

    /**
     * One level: {@code workers} producers enqueue into {@code queue} for {@code warmup} (not measured) and
     * {@code window}; then {@code workers} workers drain it, for at most {@code drainLimit}. {@code tick} gets the
     * elapsed milliseconds about every 100 ms.
     */
    QueueLevelResult run(
            int workers, Duration warmup, Duration window, Duration drainLimit, String queue, LongConsumer tick)
            throws Exception;

    @Override
    void close();
}
