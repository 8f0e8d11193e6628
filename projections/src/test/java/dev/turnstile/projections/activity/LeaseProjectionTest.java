package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease decisions in the read model: the latest lease per key by state, lease events in the activity list, and
 * none of them counted as claims.
 */
class LeaseProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String PROJECT = "hire";
    private static final String TASK = "deploy";

    @TempDir
    Path dir;

    private final Decisions decisions = new Decisions();
    private final List<ClaimEvent> log = new ArrayList<>();
    private ActivityProjection projection;
    private long sequence;

    @BeforeEach
    void open() {
        projection = ActivityProjection.open(dir.resolve("store"), "claim-decisions", new SettableClock(T0.plusSeconds(60)), false);
    }

    @AfterEach
    void close() {
        projection.close();
    }

    @Test
    void a_granted_lease_is_active_until_its_holder_releases_it() {
        apply(grant("aaaaaaa", "a1", 1, 0), renew("aaaaaaa", "a1", 1, 5));

        var active = projection.leases(LeaseState.ACTIVE, 10);
        assertThat(active).singleElement().satisfies(lease -> {
            assertThat(lease.holder()).isEqualTo("a1");
            assertThat(lease.fencingToken()).isEqualTo(1);
            assertThat(lease.expiresAt()).isEqualTo(T0.plusSeconds(35));
            assertThat(lease.endedAt()).isNull();
        });

        apply(release("aaaaaaa", "a1", 1, 8));

        assertThat(projection.leases(LeaseState.ACTIVE, 10)).isEmpty();
        assertThat(projection.leases(LeaseState.RELEASED, 10)).singleElement()
                .satisfies(lease -> assertThat(lease.endedAt()).isEqualTo(T0.plusSeconds(8)));
    }

    @Test
    void an_expired_lease_taken_over_by_another_agent_shows_the_new_holder_with_a_larger_token() {
        apply(grant("bbbbbbb", "a1", 1, 0), expire("bbbbbbb", "a1", 1, 31), grant("bbbbbbb", "a2", 2, 31));

        assertThat(projection.leases(LeaseState.EXPIRED, 10)).isEmpty();
        assertThat(projection.leases(LeaseState.ACTIVE, 10)).singleElement().satisfies(lease -> {
            assertThat(lease.holder()).isEqualTo("a2");
            assertThat(lease.fencingToken()).isEqualTo(2);
        });
    }

    @Test
    void a_lease_that_runs_out_stays_expired_until_someone_claims_it() {
        apply(grant("ccccccc", "a1", 1, 0), expire("ccccccc", "a1", 1, 31));

        assertThat(projection.leases(LeaseState.EXPIRED, 10)).singleElement().satisfies(lease -> {
            assertThat(lease.holder()).isEqualTo("a1");
            assertThat(lease.endedAt()).isEqualTo(T0.plusSeconds(30));
        });
    }

    @Test
    void a_completed_lease_carries_its_outcome_and_stale_holders_change_nothing() {
        apply(grant("ddddddd", "a1", 3, 0),
                renew("ddddddd", "old-holder", 2, 1),
                complete("ddddddd", "a1", 3, 9, ClaimOutcome.FAILED));

        assertThat(projection.leases(LeaseState.COMPLETED, 10)).singleElement().satisfies(lease -> {
            assertThat(lease.outcome()).isEqualTo("failed");
            assertThat(lease.expiresAt()).isEqualTo(T0.plusSeconds(30));
        });
    }

    @Test
    void leases_are_listed_most_recently_granted_first_and_limited() {
        apply(grant("1111111", "a1", 1, 0), grant("2222222", "a2", 1, 1), grant("3333333", "a3", 1, 2));

        assertThat(projection.leases(LeaseState.ACTIVE, 2)).extracting(lease -> lease.holder())
                .containsExactly("a3", "a2");
    }

    @Test
    void lease_events_are_listed_but_not_counted_and_heartbeats_are_not_listed() {
        apply(grant("eeeeeee", "a1", 1, 0),
                deny("eeeeeee", "a2", "a1", 1, 1),
                renew("eeeeeee", "a1", 1, 10),
                refuse("eeeeeee", "a3", 1, 11),
                release("eeeeeee", "a1", 1, 12));

        var stats = projection.stats();
        assertThat(stats.totalAttempts()).isEqualTo(2);
        assertThat(stats.duplicatesBlocked()).isEqualTo(1);
        var listed = projection.recentAttempts(AttemptFilter.none(), null, 50).items();
        assertThat(listed).extracting(Attempt::kind)
                .containsExactly("LeaseReleased", "RequestRefused", "ClaimDenied", "ClaimGranted");
        assertThat(projection.recentAttempts(new AttemptFilter(PROJECT, null, Result.BLOCKED, null), null, 50).items())
                .extracting(Attempt::kind).containsExactly("ClaimDenied");
        assertThat(projection.recentAttempts(new AttemptFilter(null, null, Result.BLOCKED, null), null, 50).items())
                .extracting(Attempt::kind).containsExactly("ClaimDenied");
        assertThat(listed.getFirst().result()).isNull();
    }

    @Test
    void replaying_the_same_lease_decisions_changes_nothing() {
        var events = List.of(grant("fffffff", "a1", 1, 0), renew("fffffff", "a1", 1, 5), release("fffffff", "a1", 1, 6));
        apply(events.toArray(ClaimEvent[]::new));
        var before = projection.leases(LeaseState.RELEASED, 10);

        projection.apply(decisions.records(events));

        assertThat(projection.leases(LeaseState.RELEASED, 10)).isEqualTo(before);
        assertThat(projection.leases(LeaseState.ACTIVE, 10)).isEmpty();
    }

    private void apply(ClaimEvent... events) {
        log.addAll(List.of(events));
        projection.apply(decisions.records(List.of(events)));
    }

    private String key(String sha) {
        return PROJECT + ":" + TASK + ":" + sha;
    }

    private String id(String sha) {
        return ClaimEvent.decisionId(key(sha), ++sequence);
    }

    private ClaimGranted grant(String sha, String agent, long token, long at) {
        return new ClaimGranted(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), ClaimMode.LEASE, token, T0.plusSeconds(at + 30), 30, false);
    }

    private ClaimDenied deny(String sha, String agent, String holder, long token, long at) {
        return new ClaimDenied(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), holder, T0, ClaimMode.LEASE, token, T0.plusSeconds(30), null);
    }

    private LeaseRenewed renew(String sha, String agent, long token, long at) {
        return new LeaseRenewed(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), ClaimMode.LEASE, token, T0.plusSeconds(at + 30), 30);
    }

    private LeaseReleased release(String sha, String agent, long token, long at) {
        return new LeaseReleased(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), ClaimMode.LEASE, token);
    }

    private LeaseExpired expire(String sha, String holder, long token, long at) {
        return new LeaseExpired(new DecisionHeader(1, id(sha), sequence, "expire-" + sequence, key(sha), PROJECT, TASK, sha, holder,
                T0.plusSeconds(at), false), ClaimMode.LEASE, token, T0.plusSeconds(30), T0);
    }

    private ClaimCompleted complete(String sha, String agent, long token, long at, ClaimOutcome outcome) {
        return new ClaimCompleted(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), ClaimMode.LEASE, token, outcome);
    }

    private RequestRefused refuse(String sha, String agent, long token, long at) {
        return new RequestRefused(new DecisionHeader(1, id(sha), sequence, "r" + sequence, key(sha), PROJECT, TASK, sha, agent,
                T0.plusSeconds(at), false), HolderRequest.RENEW, RefusalReason.NOT_HOLDER, ClaimMode.LEASE, 0L, token,
                "a1", T0.plusSeconds(40));
    }
}
