package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import dev.turnstile.projections.jobs.JobChange;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.query.Subscription;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes one open Runs page when the job read model changes, through server push, as the activity pages'
 * {@code LiveUpdates} do for decisions: a burst of changes (heartbeats of many workers) costs one refresh, and an idle
 * page refreshes now and then so that relative times and lease countdowns age.
 */
final class JobLiveUpdates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobLiveUpdates.class);

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Subscription subscription;
    private final UI ui;
    private Registration poll;

    /**
     * @param relevant which changes concern this page (others are ignored)
     * @param refresh runs inside {@link UI#access} (holding the session lock); also on each idle poll
     */
    JobLiveUpdates(
            JobQueries queries,
            UI ui,
            Predicate<JobChange> relevant,
            Runnable refresh,
            ScheduledExecutorService scheduler,
            Duration coalesce,
            Duration idleRefresh) {
        this.ui = ui;
        this.subscription = queries.subscribe(change -> {
            if (!relevant.test(change) || !scheduled.compareAndSet(false, true)) {
                return;
            }
            scheduler.schedule(
                    () -> {
                        scheduled.set(false);
                        try {
                            ui.access(refresh::run);
                        } catch (UIDetachedException e) {
                            log.debug("Runs page closed before its refresh", e);
                        }
                    },
                    coalesce.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
        poll = ui.addPollListener(tick -> refresh.run());
        ui.setPollInterval((int) idleRefresh.toMillis());
    }

    /** Stops listening (and polling); call on the UI thread (e.g. from {@code onDetach}). */
    @Override
    public void close() {
        subscription.close();
        if (poll != null) {
            poll.remove();
            poll = null;
            ui.setPollInterval(-1);
        }
    }
}
