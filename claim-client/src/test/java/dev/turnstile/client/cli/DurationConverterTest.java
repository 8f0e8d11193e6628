package dev.turnstile.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void short_forms_read_as_milliseconds_seconds_and_minutes() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void a_bare_number_is_seconds() {
        assertThat(converter.convert("7")).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void hours_are_accepted_for_long_leases() {
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void iso_8601_durations_are_accepted() {
        assertThat(converter.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void anything_else_is_refused_with_examples() {
        assertThatThrownBy(() -> converter.convert("ten seconds"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("such as 10s, 500ms, 2m, 1h or PT10S");
    }
}
