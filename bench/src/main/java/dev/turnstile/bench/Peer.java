package dev.turnstile.bench;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** The systems the benchmark measures, each doing "first claimer wins, and the attempt is recorded". */
enum Peer {
    TURNSTILE(
            "turnstile",
            true,
            "Turnstile's all-in-one over HTTP: gateway -> Kafka -> processor (RocksDB) -> Kafka -> gateway, its broker inside"),
    POSTGRES_SERVICE(
            "postgres-service",
            true,
            "the HTTP claim service a team would write instead: Spring MVC on virtual threads, HikariCP, PostgreSQL"
                    + " (INSERT ... ON CONFLICT DO NOTHING + attempt row, synchronous_commit=off)"),
    POSTGRES(
            "postgres",
            false,
            "PostgreSQL as a store, called over JDBC by the load generator (the floor: no service in front)"),
    ETCD("etcd", false, "etcd as a store, one transaction through its JSON gateway (the floor: no service in front)"),
    BULLMQ("bullmq", false, "BullMQ on Redis (queue workload only)");

    /** The peers of {@code --workload queue}, in the order measured by default. */
    static final java.util.List<Peer> QUEUE_PEERS = java.util.List.of(TURNSTILE, POSTGRES_SERVICE, POSTGRES, BULLMQ);

    private final String wireName;
    private final boolean service;
    private final String description;

    Peer(String wireName, boolean service, String description) {
        this.wireName = wireName;
        this.service = service;
        this.description = description;
    }

    /** The name on the command line and in reports. */
    String wireName() {
        return wireName;
    }

    /** True for an HTTP service (like for like with Turnstile), false for a store called directly (the floor). */
    boolean service() {
        return service;
    }

    String description() {
        return description;
    }

    /** What the peer does in the queue workload. */
    String queueDescription() {
        return switch (this) {
            case TURNSTILE ->
                "Turnstile's work-queue HTTP API on the all-in-one: gateway -> Kafka -> processor (the job"
                        + " decider, RocksDB) -> Kafka -> gateway, its broker inside";
            case POSTGRES_SERVICE ->
                "the work-queue service a team would write instead (seed 002): the same HTTP"
                        + " endpoints in Spring MVC on virtual threads over PostgreSQL, claim-next an UPDATE of"
                        + " SELECT ... FOR UPDATE SKIP LOCKED, each transition recorded in job_events";
            case POSTGRES ->
                "the same SQL over JDBC straight from the load generator's workers (the floor: no service"
                        + " in front)";
            case BULLMQ ->
                "BullMQ 5 on Redis (seed 004), driven from Node: Queue.add, then Worker.getNextJob and"
                        + " job.moveToCompleted (a library over Redis: no service in front)";
            case ETCD -> "not a queue";
        };
    }

    static Peer named(String name) {
        return Arrays.stream(values())
                .filter(peer -> peer.wireName.equals(name.strip()))
                .findFirst()
                .orElseThrow(() -> new CommandLine.TypeConversionException("Unknown peer '" + name + "': use "
                        + Arrays.stream(values()).map(Peer::wireName).collect(Collectors.joining(", "))));
    }

    /** For picocli: {@code --peers turnstile,postgres-service}. */
    static final class Converter implements CommandLine.ITypeConverter<Peer> {
        @Override
        public Peer convert(String value) {
            return named(value);
        }
    }
}
