package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:30:00Z");

    @Test
    void delay_seconds_are_read_as_seconds() {
        assertThat(RetryAfter.parse(" 2 ", NOW)).contains(Duration.ofSeconds(2));
    }

    @Test
    void an_http_date_is_read_as_the_time_until_then() {
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:30:05 GMT", NOW)).contains(Duration.ofSeconds(5));
    }

    @Test
    void an_http_date_in_the_past_means_no_wait() {
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:29:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void an_absent_or_unreadable_header_gives_no_wait_of_its_own() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-1", NOW)).isEmpty();
    }
}
