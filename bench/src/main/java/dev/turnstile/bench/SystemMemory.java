package dev.turnstile.bench;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A system under test's memory over its run.
 *
 * @param system the peer
 * @param mainProcess what the RSS figures are of ("the all-in-one JVM", "the service JVM"), or null for none
 * @param samples every sample, from the system's start
 * @param nativeMemory the main JVM's Native Memory Tracking summary at the end, or null
 * @param nativeMemoryNote why there is no summary, when one was asked for, else null
 */
record SystemMemory(
        String system,
        String mainProcess,
        List<MemorySampler.Sample> samples,
        NativeMemory nativeMemory,
        String nativeMemoryNote) {

    OptionalLong endRss() {
        return samples.reversed().stream()
                .map(MemorySampler.Sample::rssBytes)
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .findFirst();
    }

    OptionalLong peakRss() {
        return samples.stream()
                .map(MemorySampler.Sample::rssBytes)
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .max();
    }

    OptionalLong endPss() {
        return samples.reversed().stream()
                .map(MemorySampler.Sample::pssBytes)
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .findFirst();
    }

    OptionalLong peakPss() {
        return samples.stream()
                .map(MemorySampler.Sample::pssBytes)
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .max();
    }

    /** How long the samples span, in seconds. */
    double seconds() {
        return samples.isEmpty() ? 0 : samples.getLast().seconds();
    }
}
