package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentIdTest {

    @Test
    void the_nx_cloud_agent_id_names_the_agent_when_set() {
        var env = Map.of("NX_CLOUD_AGENT_ID", "agent-7", "HOSTNAME", "runner-3");

        assertThat(AgentId.fromEnvironment(env::get, 1234)).isEqualTo("agent-7");
    }

    @Test
    void without_an_nx_cloud_agent_id_the_agent_is_named_by_host_and_pid() {
        var env = Map.of("NX_CLOUD_AGENT_ID", " ", "HOSTNAME", "runner-3");

        assertThat(AgentId.fromEnvironment(env::get, 1234)).isEqualTo("runner-3-1234");
    }

    @Test
    void without_a_host_name_in_the_environment_the_local_host_name_is_used() {
        assertThat(AgentId.fromEnvironment(Map.<String, String>of()::get, 1234))
                .endsWith("-1234")
                .hasSizeGreaterThan(5);
    }

    @Test
    void the_default_agent_id_is_a_valid_agent_id() {
        var request = new ClaimRequest("hire", "convex-deploy", "3f9c2ab", AgentId.defaultAgentId(), null);

        assertThat(request.agentId()).isNotBlank();
    }
}
