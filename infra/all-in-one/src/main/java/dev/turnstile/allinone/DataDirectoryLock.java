package dev.turnstile.allinone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a whole data directory, held for the life of the process: a second Turnstile started on the
 * same directory must not touch the broker's log, the processor's state or the read model (it corrupted the running
 * broker's metadata log before this lock existed). The lock file names its holder's pid so the refusal can too.
 *
 * <p>The operating system releases the lock when the process dies, however it dies, so a stale lock file never
 * blocks a restart; the file itself is left in place (deleting it would let two processes lock two different
 * files).
 */
final class DataDirectoryLock implements AutoCloseable {

    /** The lock file's name inside the data directory. */
    static final String FILE_NAME = "turnstile.lock";

    private static final Logger log = LoggerFactory.getLogger(DataDirectoryLock.class);

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process holds the data directory; the message names it and says what to do. */
    static final class InUseException extends RuntimeException {
        InUseException(String message) {
            super(message);
        }
    }

    /**
     * Creates {@code directory} if needed and locks it, before anything else touches it.
     *
     * @throws InUseException when another process (or another launcher in this JVM) holds it
     * @throws UncheckedIOException when the directory or its lock file cannot be created
     */
    static DataDirectoryLock acquire(Path directory) {
        var file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot create the lock file " + file + " (" + e.getMessage()
                            + "); check that the data directory is writable, or choose another one with --data-dir.",
                    e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot lock " + file + " (" + e.getMessage() + ")", e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new InUseException(inUseMessage(directory, file));
        }
        var held = new DataDirectoryLock(file, channel, lock);
        held.recordHolder();
        return held;
    }

    private static String inUseMessage(Path directory, Path file) {
        var holder = readHolder(file);
        var who = holder.map(h -> "another Turnstile (pid " + h.getProperty("pid", "unknown") + ", started "
                        + h.getProperty("started", "at an unknown time") + ")")
                .orElse("another process");
        var stop = holder.map(h -> h.getProperty("pid"))
                .map(pid -> "Stop it first (kill " + pid + "), or start")
                .orElse("Stop it first, or start");
        return "Data directory " + directory + " is in use by " + who + "; it holds the lock " + file + ". " + stop
                + " this one with another --data-dir. Two processes on one data directory would corrupt the broker's"
                + " log.";
    }

    private static Optional<Properties> readHolder(Path file) {
        try (var in = Files.newInputStream(file)) {
            var holder = new Properties();
            holder.load(in);
            return holder.isEmpty() ? Optional.empty() : Optional.of(holder);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes who holds the lock; on a full disk the lock still holds, only the refusal message says less. */
    private void recordHolder() {
        var text = "pid=" + ProcessHandle.current().pid() + "\nstarted=" + Instant.now() + "\n";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), 0);
            channel.force(false);
        } catch (IOException e) {
            log.warn(
                    "Locked {} but could not write this process's pid into it ({}); a second instance will be refused"
                            + " without naming this one",
                    file,
                    e.getMessage());
        }
    }

    /** Releases the lock; the next instance may then use the directory. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            log.debug("Releasing {} failed; closing the file releases it anyway", file, e);
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing a lock file channel failed; the process exit releases it", e);
        }
    }
}
