package dev.turnstile.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class AgentTokenFilterTest {

    private static final String TOKEN = "ci-token-3f9c2ab";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void without_configured_tokens_every_claim_passes() throws Exception {
        var response = send(AgentTokens.of(List.of()), "/api/claim", null);

        assertThat(response.passed()).isTrue();
    }

    @Test
    void a_claim_without_a_token_is_refused_with_401_and_counted() throws Exception {
        var response = send(AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN))), "/api/claim", null);

        assertThat(response.passed()).isFalse();
        assertThat(response.http().getStatus()).isEqualTo(401);
        assertThat(response.http().getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.http().getContentAsString()).contains("\"error\":\"missing_token\"");
        assertThat(meters.get("turnstile.gateway.unauthorized").tag("reason", "missing_token").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void a_lease_request_with_an_unknown_token_is_refused() throws Exception {
        var response = send(AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN))), "/api/lease/renew", "Bearer nope");

        assertThat(response.passed()).isFalse();
        assertThat(response.http().getContentAsString()).contains("\"error\":\"unknown_token\"");
    }

    @Test
    void a_claim_with_a_configured_token_passes() throws Exception {
        var response = send(AgentTokens.of(List.of(AgentTokens.digestOf("other"), AgentTokens.digestOf(TOKEN))),
                "/api/claim", "Bearer " + TOKEN);

        assertThat(response.passed()).isTrue();
    }

    @Test
    void health_and_activity_queries_are_not_agent_writes() throws Exception {
        var tokens = AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN)));

        assertThat(send(tokens, "/api/health", null).passed()).isTrue();
        assertThat(send(tokens, "/api/stats", "Basic YTpi").passed()).isTrue();
    }

    @Test
    void a_configured_token_in_clear_is_refused_at_start_up_with_the_form_to_use() {
        assertThatThrownBy(() -> AgentTokens.of(List.of("my-secret-token-value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my-secret-to…")
                .hasMessageContaining("sha256:<64 hex digits>")
                .hasMessageNotContaining("my-secret-token-value");
    }

    record Sent(boolean passed, MockHttpServletResponse http) {}

    private Sent send(AgentTokens tokens, String path, String authorization) throws Exception {
        var request = new MockHttpServletRequest("POST", path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();
        new AgentTokenFilter(tokens, meters).doFilter(request, response, chain);
        return new Sent(chain.getRequest() != null, response);
    }
}
