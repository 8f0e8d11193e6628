package dev.turnstile.dashboard.runs;

import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.turnstile.projections.jobs.web.JobApiAccess;

/**
 * Who looks at the Runs pages, and whether they may act on jobs and queues: a dashboard user with the OPERATOR role
 * ({@code turnstile.dashboard.users.<name>.roles}). Analysts see the same pages without the buttons.
 *
 * @param name the signed-in user's name, recorded with what they do
 * @param mayOperate whether they have the OPERATOR role
 */
public record Viewer(String name, boolean mayOperate) {

    static Viewer of(AuthenticationContext authentication) {
        return new Viewer(
                authentication.getPrincipalName().orElse(null), authentication.hasRole(JobApiAccess.OPERATOR_ROLE));
    }
}
