package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.dashboard.DashboardSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignInPageTest {

    private final LoginView page = new LoginView(new DashboardSettings(
            Clock.systemUTC(), null, Duration.ofMillis(50), Duration.ofSeconds(15), 50, List.of()));

    @Test
    void a_throttled_sign_in_says_how_long_to_wait() {
        page.show(QueryParameters.full(Map.of("throttled", new String[] {"29"})));

        assertThat(page.form().isError()).isTrue();
        assertThat(page.messages().getErrorMessage().getTitle()).isEqualTo("Too many sign-in attempts");
        assertThat(page.messages().getErrorMessage().getMessage()).startsWith("Try again in 29 s.");
    }

    @Test
    void a_wrong_password_says_so_and_a_first_visit_shows_no_error() {
        page.show(QueryParameters.full(Map.of("error", new String[] {""})));
        assertThat(page.form().isError()).isTrue();
        assertThat(page.messages().getErrorMessage().getTitle()).isNotEqualTo("Too many sign-in attempts");

        page.show(QueryParameters.empty());
        assertThat(page.form().isError()).isFalse();
    }
}
