package dev.turnstile.dashboard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.projections.web.TooManySignInAttemptsException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** Sign-in throttling through the real password check (bcrypt) and a settable clock. */
class SignInThrottleTest {

    private static final Settings SETTINGS = new Settings(3, 5, Duration.ofMinutes(3), 1, 0, Duration.ZERO, 100);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Shorthand. */
    private static final class Settings {
        private final SignInThrottle.Settings value;

        Settings(int perSource, int perUser, Duration window, int checks, int queued, Duration wait, int tracked) {
            value = new SignInThrottle.Settings(
                    perSource, perUser, window, checks, queued, wait, tracked, Duration.ZERO);
        }
    }

    private final SignInThrottle throttle = new SignInThrottle(SETTINGS.value, clock, meters);
    private final ThrottledAuthenticationProvider signIn = new ThrottledAuthenticationProvider(passwords(), throttle);

    @Test
    void wrong_passwords_past_an_addresss_allowance_are_refused_without_a_password_check() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "guess", "10.0.0.1")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        double checked = checks();

        assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "right", "10.0.0.1")))
                .isInstanceOfSatisfying(TooManySignInAttemptsException.class, refused -> {
                    assertThat(refused.getMessage())
                            .isEqualTo("Too many wrong passwords from this address: try again in 60 s");
                    assertThat(refused.retryAfterSeconds()).isEqualTo(60);
                });
        assertThat(checks()).as("passwords hashed while refused").isEqualTo(checked);
        assertThat(meters.get("turnstile.signin.throttled")
                        .tag("reason", "source")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void a_correct_password_from_another_address_still_signs_in_while_one_address_is_refused() {
        for (int i = 0; i < 4; i++) {
            try {
                signIn.authenticate(attempt("analyst", "guess", "10.0.0.1"));
            } catch (BadCredentialsException | TooManySignInAttemptsException expected) {
                // The fourth is refused.
            }
        }

        Authentication signedIn = signIn.authenticate(attempt("analyst", "right", "10.0.0.2"));

        assertThat(signedIn.isAuthenticated()).isTrue();
    }

    @Test
    void wrong_passwords_for_one_user_from_many_addresses_refuse_that_user_everywhere_but_not_others() {
        for (int i = 0; i < 5; i++) {
            var address = "10.0.1." + i;
            assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "guess", address)))
                    .isInstanceOf(BadCredentialsException.class);
        }

        assertThatThrownBy(() -> signIn.authenticate(attempt("Analyst", "right", "10.0.2.1")))
                .isInstanceOf(TooManySignInAttemptsException.class)
                .hasMessageStartingWith("Too many wrong passwords for this user name");
        assertThat(signIn.authenticate(attempt("operator", "right", "10.0.2.1")).isAuthenticated())
                .isTrue();
    }

    @Test
    void the_allowance_of_an_address_comes_back_one_attempt_per_window_share() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "guess", "10.0.0.1")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        clock.advance(Duration.ofSeconds(59));
        assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "right", "10.0.0.1")))
                .isInstanceOf(TooManySignInAttemptsException.class);

        clock.advance(Duration.ofSeconds(1));

        assertThat(signIn.authenticate(attempt("analyst", "right", "10.0.0.1")).isAuthenticated())
                .isTrue();
    }

    @Test
    void beyond_the_concurrent_checks_an_attempt_is_refused_at_once_without_a_check() {
        double checked = checks();
        try (var running = throttle.admit("10.0.0.9", "operator")) {
            assertThatThrownBy(() -> signIn.authenticate(attempt("analyst", "right", "10.0.0.1")))
                    .isInstanceOfSatisfying(
                            TooManySignInAttemptsException.class,
                            refused -> assertThat(refused.retryAfterSeconds()).isEqualTo(1));
        }

        assertThat(checks()).isEqualTo(checked);
        assertThat(meters.get("turnstile.signin.throttled")
                        .tag("reason", "busy")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(signIn.authenticate(attempt("analyst", "right", "10.0.0.1")).isAuthenticated())
                .isTrue();
    }

    @Test
    void the_tables_remember_a_bounded_number_of_addresses_and_forget_them_once_their_allowance_is_back() {
        var small = new SignInThrottle(
                new Settings(3, 5, Duration.ofMinutes(3), 1, 0, Duration.ZERO, 10).value, clock, meters);
        for (int i = 0; i < 1000; i++) {
            small.wrongPassword("10.1." + (i / 256) + "." + (i % 256), "user-" + i);
        }
        assertThat(small.trackedKeys()).isLessThanOrEqualTo(20);

        clock.advance(Duration.ofMinutes(3));

        assertThat(small.trackedKeys()).isZero();
    }

    @Test
    void a_refusal_is_held_back_on_a_virtual_thread_and_answered_at_once_on_a_platform_thread() throws Exception {
        var delayed = new SignInThrottle(
                new SignInThrottle.Settings(
                        3, 5, Duration.ofMinutes(3), 1, 0, Duration.ZERO, 100, Duration.ofMillis(300)),
                clock,
                meters);

        long platform = elapsedMillis(Thread.ofPlatform(), delayed::delayRefusal);
        long virtual = elapsedMillis(Thread.ofVirtual(), delayed::delayRefusal);

        assertThat(platform).isLessThan(300);
        assertThat(virtual).isGreaterThanOrEqualTo(300);
    }

    private static long elapsedMillis(Thread.Builder threads, Runnable work) throws InterruptedException {
        var elapsed = new java.util.concurrent.atomic.AtomicLong();
        var thread = threads.start(() -> {
            long start = System.nanoTime();
            work.run();
            elapsed.set((System.nanoTime() - start) / 1_000_000);
        });
        thread.join();
        return elapsed.get();
    }

    @Test
    void an_ipv6_client_is_counted_by_its_64_bit_network() {
        assertThat(SignInThrottle.sourceKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(SignInThrottle.sourceKey("2001:db8:1:2:bbbb::7"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(SignInThrottle.sourceKey("192.0.2.7")).isEqualTo("192.0.2.7");
    }

    private double checks() {
        return meters.find("turnstile.signin.password.checks").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static DaoAuthenticationProvider passwords() {
        var encoder = new BCryptPasswordEncoder(4);
        var users = new InMemoryUserDetailsManager(
                User.withUsername("analyst")
                        .password(encoder.encode("right"))
                        .roles("ANALYST")
                        .build(),
                User.withUsername("operator")
                        .password(encoder.encode("right"))
                        .roles("ANALYST")
                        .build());
        var provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        return provider;
    }

    private static Authentication attempt(String user, String password, String address) {
        var request = new MockHttpServletRequest();
        request.setRemoteAddr(address);
        var token = UsernamePasswordAuthenticationToken.unauthenticated(user, password);
        token.setDetails(new WebAuthenticationDetails(request));
        return token;
    }

    /** A clock tests move by hand. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
