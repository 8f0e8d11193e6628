package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShaViewTest {

    @Test
    void an_address_that_cannot_be_a_sha_is_told_what_a_sha_looks_like() {
        assertThat(ShaView.notASha("zzzz"))
                .startsWith("\"zzzz\" is not a git SHA.")
                .contains("hexadecimal (0-9 and a-f), 40 characters long");
        assertThat(ShaView.notASha("3f9c")).isNull();
        assertThat(ShaView.notASha("3F9C2AB41D0E5B7C8A9F1E2D3C4B5A6978695A4B")).isNull();
        assertThat(ShaView.notASha("a".repeat(65))).isNotNull();
    }
}
