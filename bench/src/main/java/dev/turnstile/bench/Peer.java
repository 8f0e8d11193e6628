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
    ETCD("etcd", false, "etcd as a store, one transaction through its JSON gateway (the floor: no service in front)");

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
