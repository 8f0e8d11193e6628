package dev.turnstile.gateway.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free space on the disk that holds the data, against a threshold. Below it, health is unhealthy and the gateway
 * writes nothing new, so that the broker's log and the state stores keep room for what was already accepted instead of
 * failing mid-write (a failed log directory stops the broker). Probes are cached briefly; crossing the threshold is
 * logged once each way, not once per refused request.
 */
public final class DiskSpace {

    /** The property that sets the threshold, named in messages so an operator knows what to change. */
    static final String THRESHOLD_PROPERTY = "turnstile.gateway.min-free-disk";

    private static final Logger log = LoggerFactory.getLogger(DiskSpace.class);

    /**
     * One probe.
     *
     * @param low whether free space is below the threshold
     * @param directory the directory watched; null when nothing is watched
     * @param freeBytes usable bytes on its disk; -1 when unknown
     * @param totalBytes size of its disk; -1 when unknown
     * @param thresholdBytes the threshold
     * @param error why the probe failed, null when it did not
     */
    public record Status(
            boolean low, Path directory, long freeBytes, long totalBytes, long thresholdBytes, String error) {

        /** What is wrong, for health and for the refusal; null when nothing is. */
        public String problem() {
            if (!low) {
                return null;
            }
            return "Free disk space under " + directory + " is " + bytes(freeBytes) + ", below the threshold of "
                    + bytes(thresholdBytes) + " (" + THRESHOLD_PROPERTY + ")";
        }

        private static String bytes(long bytes) {
            return String.format(Locale.ROOT, "%,d bytes (%.1f MiB)", bytes, bytes / 1024.0 / 1024.0);
        }
    }

    private final Path directory;
    private final long thresholdBytes;
    private final Duration cacheTtl;
    private final Clock clock;
    private volatile Status last;
    private volatile Instant lastCheckedAt = Instant.MIN;

    /**
     * @param directory the directory whose disk to watch; null to watch nothing (always "not low")
     * @param thresholdBytes below this many usable bytes the disk is low
     * @param cacheTtl how long a probe is reused
     */
    public DiskSpace(Path directory, long thresholdBytes, Duration cacheTtl, Clock clock) {
        this.directory = directory == null ? null : directory.toAbsolutePath().normalize();
        this.thresholdBytes = thresholdBytes;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /** Whether a directory is watched at all. */
    public boolean watched() {
        return directory != null;
    }

    /** The directory watched, or null. */
    public Path directory() {
        return directory;
    }

    /** The latest probe, probing again when the cached one is older than the TTL. */
    public Status status() {
        var cached = last;
        if (cached != null && lastCheckedAt.plus(cacheTtl).isAfter(clock.instant())) {
            return cached;
        }
        return refresh();
    }

    private synchronized Status refresh() {
        var now = clock.instant();
        var cached = last;
        if (cached != null && lastCheckedAt.plus(cacheTtl).isAfter(now)) {
            return cached;
        }
        var fresh = probe();
        last = fresh;
        lastCheckedAt = now;
        logTransition(cached, fresh);
        return fresh;
    }

    private Status probe() {
        if (directory == null) {
            return new Status(false, null, -1, -1, thresholdBytes, null);
        }
        try {
            var store = Files.getFileStore(directory);
            long free = store.getUsableSpace();
            return new Status(free < thresholdBytes, directory, free, store.getTotalSpace(), thresholdBytes, null);
        } catch (IOException e) {
            return new Status(false, directory, -1, -1, thresholdBytes, e.toString());
        }
    }

    private void logTransition(Status before, Status now) {
        boolean wasLow = before != null && before.low();
        if (now.low() && !wasLow) {
            log.warn(
                    "{}. Health is unhealthy and claims are refused with 503 disk_low (agents retry) until space is"
                            + " freed there; what was accepted before is still decided.",
                    now.problem());
        } else if (!now.low() && wasLow) {
            log.info(
                    "Free disk space under {} is back above the threshold ({} bytes free): accepting claims again",
                    directory,
                    now.freeBytes());
        }
        if (now.error() != null && (before == null || before.error() == null)) {
            log.warn(
                    "Cannot read the free space under {} ({}); claims are not refused for it. Check the directory.",
                    directory,
                    now.error());
        }
    }
}
