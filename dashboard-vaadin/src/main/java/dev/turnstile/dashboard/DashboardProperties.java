package dev.turnstile.dashboard;

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
 */
@ConfigurationProperties("turnstile.dashboard")
public record DashboardProperties(
        Map<String, User> users,
        @DefaultValue("50") int pageSize,
        @DefaultValue("100ms") Duration liveCoalesce,
        @DefaultValue("15s") Duration idleRefresh) {

    public DashboardProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
        if (pageSize < 1 || pageSize > 100) {
            throw new IllegalArgumentException(
                    "turnstile.dashboard.page-size must be between 1 and 100; got " + pageSize);
        }
    }

    /**
     * @param password the password hash with its scheme, e.g. {@code {bcrypt}$2a$10$…}
     * @param roles roles granted (default ANALYST)
     */
    public record User(String password, java.util.List<String> roles) {}
}
