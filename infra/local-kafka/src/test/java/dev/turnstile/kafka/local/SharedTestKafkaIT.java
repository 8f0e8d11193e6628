package dev.turnstile.kafka.local;

import static dev.turnstile.kafka.local.KafkaTestClients.partitionCount;
import static dev.turnstile.kafka.local.KafkaTestClients.produce;
import static dev.turnstile.kafka.local.KafkaTestClients.readFromStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.turnstile.contracts.topic.ClaimTopics;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class SharedTestKafkaIT {

    @Test
    void every_caller_in_the_jvm_gets_the_same_cluster() {
        assertThat(SharedTestKafka.bootstrapServers()).isEqualTo(SharedTestKafka.bootstrapServers());
    }

    @Test
    void without_the_environment_variable_a_local_broker_on_loopback_is_used() {
        if (System.getenv(SharedTestKafka.BOOTSTRAP_SERVERS_ENV) == null) {
            assertThat(SharedTestKafka.isExternal()).isFalse();
            assertThat(SharedTestKafka.bootstrapServers()).startsWith("127.0.0.1:");
        } else {
            assertThat(SharedTestKafka.isExternal()).isTrue();
            assertThat(SharedTestKafka.bootstrapServers())
                    .isEqualTo(
                            System.getenv(SharedTestKafka.BOOTSTRAP_SERVERS_ENV).strip());
        }
    }

    @Test
    void fresh_claim_topics_are_new_each_time_and_carry_records() throws Exception {
        ClaimTopics first = SharedTestKafka.freshClaimTopics();
        ClaimTopics second = SharedTestKafka.freshClaimTopics();
        String bootstrapServers = SharedTestKafka.bootstrapServers();

        produce(bootstrapServers, first.requests().name(), "app:deploy:abc123", "{\"agentId\":\"agent-1\"}");

        assertThat(second.requests().name())
                .isNotEqualTo(first.requests().name())
                .startsWith("claim-requests-");
        try (Admin admin = KafkaTestClients.admin(bootstrapServers)) {
            assertThat(partitionCount(admin, first.decisions().name())).isEqualTo(ClaimTopics.DEFAULT_PARTITIONS);
        }
        assertThat(readFromStart(bootstrapServers, first.requests().name(), 1))
                .containsExactly(entry("app:deploy:abc123", "{\"agentId\":\"agent-1\"}"));
    }

    @Test
    void fresh_topic_has_the_requested_partitions() throws Exception {
        String topic = SharedTestKafka.freshTopic("replay-output", 4);

        try (Admin admin = KafkaTestClients.admin(SharedTestKafka.bootstrapServers())) {
            assertThat(partitionCount(admin, topic)).isEqualTo(4);
        }
    }
}
