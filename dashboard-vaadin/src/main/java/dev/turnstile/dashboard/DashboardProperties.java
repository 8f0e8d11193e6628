package dev.turnstile.dashboard;

import dev.turnstile.dashboard.signin.SignInThrottle;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code turnstile.dashboard.*}: who may sign in and how the pages refresh.
 *
 * @param users sign-in name to user; passwords are stored hashed ({@code {bcrypt}$2a$10$…})
 * @param pageSize attempts per page of the activity grid (at most 100)
 * @param liveCoalesce how long a page waits after a new decision before refreshing, so a burst costs one refresh
 * @param idleRefresh how often an idle page refreshes (relative times, 24-hour figures)
 * @param signIn how wrong passwords are throttled
 */
@ConfigurationProperties("turnstile.dashboard")
public record DashboardProperties(
        Map<String, User> users,
        @DefaultValue("50") int pageSize,
        @DefaultValue("100ms") Duration liveCoalesce,
        @DefaultValue("15s") Duration idleRefresh,
        @DefaultValue SignIn signIn) {

    public DashboardProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
        if (pageSize < 1 || pageSize > 100) {
            throw new IllegalArgumentException(
                    "turnstile.dashboard.page-size must be between 1 and 100; got " + pageSize);
        }
    }

    /**
     * {@code turnstile.dashboard.sign-in.*}: see {@link SignInThrottle.Settings} for each.
     *
     * @param failuresPerSource wrong passwords from one address before its attempts wait
     * @param failuresPerUser wrong passwords for one user name before its attempts wait
     * @param window how long the full allowance takes to come back
     * @param maxConcurrentChecks passwords checked at once
     * @param maxQueuedChecks attempts that may wait for a check
     * @param maxCheckWait how long an attempt waits for a check
     * @param trackedKeys most addresses (and user names) remembered
     * @param refusalDelay how long a refused attempt waits for its answer (virtual threads only)
     */
    public record SignIn(
            @DefaultValue("10") int failuresPerSource,
            @DefaultValue("20") int failuresPerUser,
            @DefaultValue("5m") Duration window,
            @DefaultValue("1") int maxConcurrentChecks,
            @DefaultValue("8") int maxQueuedChecks,
            @DefaultValue("1s") Duration maxCheckWait,
            @DefaultValue("10000") int trackedKeys,
            @DefaultValue("1s") Duration refusalDelay) {

        SignInThrottle.Settings settings() {
            return new SignInThrottle.Settings(
                    failuresPerSource,
                    failuresPerUser,
                    window,
                    maxConcurrentChecks,
                    maxQueuedChecks,
                    maxCheckWait,
                    trackedKeys,
                    refusalDelay);
        }
    }

    /**
     * @param password the password hash with its scheme, e.g. {@code {bcrypt}$2a$10$…}
     * @param roles roles granted (default ANALYST)
     */
    public record User(String password, java.util.List<String> roles) {}
}
