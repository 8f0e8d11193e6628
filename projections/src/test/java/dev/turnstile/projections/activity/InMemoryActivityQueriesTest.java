package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.projections.query.ActivityQueries;
import java.time.Clock;
import java.util.List;

/** The query rules on the in-memory model that tests of the dashboard's pages use. */
class InMemoryActivityQueriesTest extends ActivityQueriesContract {

    private InMemoryActivity activity;

    @Override
    ActivityQueries open(Clock clock) {
        activity = new InMemoryActivity(clock);
        return activity;
    }

    @Override
    void apply(List<? extends ClaimEvent> events) {
        activity.apply(events);
    }
}
