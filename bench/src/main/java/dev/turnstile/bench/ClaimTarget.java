package dev.turnstile.bench;

/** One way of doing "first claimer wins, and the attempt is recorded". Thread-safe. */
interface ClaimTarget extends AutoCloseable {

    /** Short name in reports. */
    String name();

    /** Claims {@code taskKey} for {@code agent}; true when this agent won. Throws on any failure. */
    boolean claim(String project, String task, String sha, String agent) throws Exception;

    @Override
    void close();
}
