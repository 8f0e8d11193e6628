package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.projections.query.ActivityQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The query rules on the RocksDB read model, fed records serialized as the processor writes them. */
class RocksDbActivityQueriesTest extends ActivityQueriesContract {

    @TempDir
    Path dir;

    private ActivityProjection projection;

    @Override
    ActivityQueries open(Clock clock) {
        projection = ActivityProjection.open(dir.resolve("store"), "claim-decisions", clock, false);
        return projection.queries();
    }

    @Override
    void apply(List<? extends ClaimEvent> events) {
        projection.apply(decisions.records(events));
    }

    @AfterEach
    void close() {
        projection.close();
    }
}
