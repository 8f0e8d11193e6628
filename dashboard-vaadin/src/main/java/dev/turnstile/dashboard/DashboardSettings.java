package dev.turnstile.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the dashboard's pages share: the clock, the scheduler that coalesces live refreshes, refresh timings, and
 * the identity providers offered on the sign-in page.
 */
public record DashboardSettings(
        Clock clock,
        ScheduledExecutorService scheduler,
        Duration coalesce,
        Duration idleRefresh,
        int pageSize,
        List<IdentityProvider> identityProviders) {

    /** An OIDC / OAuth 2 client registration: its id (in the sign-in address) and a name to show. */
    public record IdentityProvider(String id, String name) {}
}
