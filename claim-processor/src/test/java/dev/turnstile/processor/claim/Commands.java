package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.contracts.claim.TaskKey;
import java.time.Instant;

/** Test data: commands at readable times, in seconds after {@link #T0}. */
final class Commands {

    static final TaskKey DEPLOY = new TaskKey("hire", "convex-deploy", "3f9c2ab");
    static final TaskKey BUILD = new TaskKey("hire", "vercel-build-deploy", "3f9c2ab");
    static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");

    private Commands() {}

    static ClaimRequested claim(TaskKey key, String agent, String requestId, int secondsAfterT0) {
        return ClaimRequested.of(key, agent, requestId, T0.plusSeconds(secondsAfterT0));
    }

    static ClaimRequested claim(TaskKey key, String agent, String requestId, int secondsAfterT0, ClaimPolicy policy) {
        return ClaimRequested.of(key, agent, requestId, T0.plusSeconds(secondsAfterT0), policy);
    }

    static ClaimRequested lease(TaskKey key, String agent, String requestId, int secondsAfterT0, int ttlSeconds) {
        return claim(key, agent, requestId, secondsAfterT0, ClaimPolicy.lease(ttlSeconds));
    }

    static LeaseRenewRequested renew(TaskKey key, String agent, long token, String requestId, int secondsAfterT0) {
        return LeaseRenewRequested.of(key, agent, token, null, requestId, T0.plusSeconds(secondsAfterT0));
    }

    static LeaseRenewRequested renew(
            TaskKey key, String agent, long token, String requestId, int secondsAfterT0, int ttlSeconds) {
        return LeaseRenewRequested.of(key, agent, token, ttlSeconds, requestId, T0.plusSeconds(secondsAfterT0));
    }

    static ReleaseRequested release(TaskKey key, String agent, long token, String requestId, int secondsAfterT0) {
        return ReleaseRequested.of(key, agent, token, requestId, T0.plusSeconds(secondsAfterT0));
    }

    static CompletionReported complete(
            TaskKey key, String agent, long token, ClaimOutcome outcome, String requestId, int secondsAfterT0) {
        return CompletionReported.of(key, agent, token, outcome, requestId, T0.plusSeconds(secondsAfterT0));
    }

    static ExpireDue expireCheck(TaskKey key, long token, int secondsAfterT0) {
        return ExpireDue.of(key, token, T0.plusSeconds(secondsAfterT0));
    }
}
