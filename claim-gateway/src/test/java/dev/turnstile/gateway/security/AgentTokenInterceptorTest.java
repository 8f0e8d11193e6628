package dev.turnstile.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.method.HandlerMethod;

class AgentTokenInterceptorTest {

    private static final String TOKEN = "ci-token-3f9c2ab";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AgentApi
    static class AgentHandlers {
        public void claim() {}
    }

    static class OtherHandlers {
        public void stats() {}
    }

    @Test
    void without_configured_tokens_every_claim_passes() throws Exception {
        var response = send(AgentTokens.of(List.of()), agentHandler(), null);

        assertThat(response.passed()).isTrue();
    }

    @Test
    void a_claim_without_a_token_is_refused_with_401_and_counted() throws Exception {
        var response = send(AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN))), agentHandler(), null);

        assertThat(response.passed()).isFalse();
        assertThat(response.http().getStatus()).isEqualTo(401);
        assertThat(response.http().getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.http().getContentAsString()).contains("\"error\":\"missing_token\"");
        assertThat(meters.get("turnstile.gateway.unauthorized")
                        .tag("reason", "missing_token")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void a_request_with_an_unknown_token_is_refused() throws Exception {
        var response = send(AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN))), agentHandler(), "Bearer nope");

        assertThat(response.passed()).isFalse();
        assertThat(response.http().getContentAsString()).contains("\"error\":\"unknown_token\"");
        assertThat(meters.get("turnstile.gateway.unauthorized")
                        .tag("reason", "unknown_token")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void a_claim_with_a_configured_token_passes() throws Exception {
        var response = send(
                AgentTokens.of(List.of(AgentTokens.digestOf("other"), AgentTokens.digestOf(TOKEN))),
                agentHandler(),
                "Bearer " + TOKEN);

        assertThat(response.passed()).isTrue();
    }

    @Test
    void handlers_that_are_not_agent_apis_are_left_to_their_own_rules() throws Exception {
        var tokens = AgentTokens.of(List.of(AgentTokens.digestOf(TOKEN)));

        assertThat(send(tokens, new HandlerMethod(new OtherHandlers(), "stats"), null)
                        .passed())
                .isTrue();
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

    private static HandlerMethod agentHandler() throws NoSuchMethodException {
        return new HandlerMethod(new AgentHandlers(), "claim");
    }

    private Sent send(AgentTokens tokens, HandlerMethod handler, String authorization) throws Exception {
        var request = new MockHttpServletRequest("POST", "/api/claim");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        var response = new MockHttpServletResponse();
        boolean passed = new AgentTokenInterceptor(tokens, meters).preHandle(request, response, handler);
        return new Sent(passed, response);
    }
}
