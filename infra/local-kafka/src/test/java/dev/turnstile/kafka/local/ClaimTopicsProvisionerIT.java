package dev.turnstile.kafka.local;

import static dev.turnstile.kafka.local.KafkaTestClients.partitionCount;
import static dev.turnstile.kafka.local.KafkaTestClients.topicConfig;
import static dev.turnstile.kafka.local.SharedTestKafka.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs on the shared test broker (or the cluster named by TURNSTILE_TEST_BOOTSTRAP_SERVERS), fresh topics each. */
class ClaimTopicsProvisionerIT {

    private static Admin admin;
    private static ClaimTopicsProvisioner provisioner;

    @BeforeAll
    static void connect() {
        admin = KafkaTestClients.admin(SharedTestKafka.bootstrapServers());
        provisioner = ClaimTopicsProvisioner.using(admin);
    }

    @AfterAll
    static void disconnect() {
        provisioner.close();
        admin.close();
    }

    @Test
    void claim_topics_are_created_with_six_partitions_and_unlimited_retention() throws Exception {
        ClaimTopics topics = freshNames();

        List<String> created = provisioner.ensureClaimTopics(topics);

        String requests = topics.requests().name();
        String decisions = topics.decisions().name();
        assertThat(created).containsExactly(requests, decisions, topics.deadLetterTopicName());
        assertThat(partitionCount(admin, requests))
                .isEqualTo(ClaimTopics.DEFAULT_PARTITIONS)
                .isEqualTo(6);
        assertThat(partitionCount(admin, decisions)).isEqualTo(6);
        assertThat(topicConfig(admin, requests, "retention.ms")).isEqualTo("-1");
        assertThat(topicConfig(admin, decisions, "retention.ms")).isEqualTo("-1");
    }

    @Test
    void provisioning_again_creates_nothing_and_leaves_the_topics_as_they_are() throws Exception {
        ClaimTopics topics = freshNames();
        provisioner.ensureClaimTopics(topics);

        List<String> createdAgain = provisioner.ensureClaimTopics(topics);

        assertThat(createdAgain).isEmpty();
        assertThat(partitionCount(admin, topics.requests().name())).isEqualTo(6);
    }

    @Test
    void existing_topic_with_another_partition_count_is_reported_with_expected_and_actual_counts() throws Exception {
        ClaimTopics topics = freshNames();
        String requests = topics.requests().name();
        admin.createTopics(List.of(new NewTopic(requests, 3, (short) 1))).all().get();

        assertThatThrownBy(() -> provisioner.ensureClaimTopics(topics))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> {
                    assertThat(e.topic()).isEqualTo(requests);
                    assertThat(e.property()).isEqualTo("partitions");
                    assertThat(e.expected()).isEqualTo("6");
                    assertThat(e.actual()).isEqualTo("3");
                })
                .hasMessageContaining("Topic '" + requests + "' has 3 partitions but Turnstile expects 6")
                .hasMessageContaining("configure Turnstile for 3 partitions")
                .hasMessageContaining("--delete --topic " + requests);
    }

    @Test
    void existing_claim_topic_that_would_delete_old_records_is_reported() throws Exception {
        ClaimTopics topics = freshNames();
        String decisions = topics.decisions().name();
        admin.createTopics(List.of(new NewTopic(decisions, 6, (short) 1).configs(Map.of("retention.ms", "86400000"))))
                .all()
                .get();

        assertThatThrownBy(() -> provisioner.ensureClaimTopics(topics))
                .isInstanceOfSatisfying(
                        TopicMismatchException.class,
                        e -> assertThat(e.property()).isEqualTo("retention.ms"))
                .hasMessageContaining("Topic '" + decisions + "' has retention.ms=86400000 but Turnstile expects"
                        + " retention.ms=-1")
                .hasMessageContaining("--add-config retention.ms=-1");
    }

    @Test
    void extra_topic_is_created_with_the_requested_partition_count() throws Exception {
        String replay = uniqueName("replay-decisions");

        assertThat(provisioner.ensureTopic(replay, 2)).containsExactly(replay);

        assertThat(partitionCount(admin, replay)).isEqualTo(2);
        assertThat(provisioner.ensureTopic(replay, 2)).isEmpty();
    }

    @Test
    void job_topics_are_created_like_the_claim_topics_with_six_partitions_and_unlimited_retention() throws Exception {
        JobTopics topics = JobTopics.named(uniqueName("job-requests"), uniqueName("job-events"));

        List<String> created = provisioner.ensureJobTopics(
                topics, JobTopics.DEFAULT_PARTITIONS, ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR);

        assertThat(created)
                .containsExactly(topics.requests().name(), topics.events().name(), topics.deadLetterTopicName());
        assertThat(partitionCount(admin, topics.requests().name())).isEqualTo(6);
        assertThat(partitionCount(admin, topics.events().name())).isEqualTo(6);
        assertThat(topicConfig(admin, topics.events().name(), "retention.ms")).isEqualTo("-1");
        assertThat(provisioner.ensureJobTopics(topics, 6, ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR))
                .isEmpty();
    }

    private static ClaimTopics freshNames() {
        return ClaimTopics.named(uniqueName("claim-requests"), uniqueName("claim-decisions"));
    }
}
