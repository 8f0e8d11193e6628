package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import java.time.Instant;

/** Test data: claim commands at readable times. */
final class Commands {

    static final TaskKey DEPLOY = new TaskKey("hire", "convex-deploy", "3f9c2ab");
    static final TaskKey BUILD = new TaskKey("hire", "vercel-build-deploy", "3f9c2ab");
    static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");

    private Commands() {}

    static ClaimRequested claim(TaskKey key, String agent, String requestId, int secondsAfterT0) {
        return ClaimRequested.of(key, agent, requestId, T0.plusSeconds(secondsAfterT0));
    }
}
