package dev.turnstile.kafka.local;

import static dev.turnstile.kafka.local.KafkaTestClients.partitionCount;
import static dev.turnstile.kafka.local.KafkaTestClients.produce;
import static dev.turnstile.kafka.local.KafkaTestClients.readFromStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's own lifecycle on a data directory. Topic behaviour is covered on the shared broker elsewhere. */
class LocalKafkaBrokerIT {

    @TempDir
    Path dataDirectory;

    @Test
    void restarted_broker_keeps_topics_and_records() throws Exception {
        String clusterId;
        try (LocalKafkaBroker broker = onFreePorts(dataDirectory).start()) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.clientPort());
            clusterId = broker.clusterId();
            try (ClaimTopicsProvisioner topics = ClaimTopicsProvisioner.connect(broker.bootstrapServers())) {
                topics.ensureTopic("kept", 3);
            }
            produce(broker.bootstrapServers(), "kept", "app:deploy:abc123", "granted");
        }
        assertThat(dataDirectory.resolve("meta.properties")).content().contains("cluster.id=" + clusterId);

        try (LocalKafkaBroker restarted = onFreePorts(dataDirectory).start();
                Admin admin = KafkaTestClients.admin(restarted.bootstrapServers())) {
            assertThat(restarted.clusterId()).isEqualTo(clusterId);
            assertThat(partitionCount(admin, "kept")).isEqualTo(3);
            assertThat(readFromStart(restarted.bootstrapServers(), "kept", 1))
                    .containsExactly(entry("app:deploy:abc123", "granted"));
        }
    }

    @Test
    void occupied_client_port_is_reported_with_the_port_and_how_to_choose_another() throws IOException {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = occupied.getLocalPort();
            LocalKafkaBroker broker = LocalKafkaBroker.builder()
                    .dataDirectory(dataDirectory)
                    .clientPort(port)
                    .controllerPort(0)
                    .build();

            assertThatThrownBy(broker::start)
                    .isInstanceOfSatisfying(
                            PortInUseException.class, e -> assertThat(e.port()).isEqualTo(port))
                    .hasMessageContaining("Kafka client port " + port + " on 127.0.0.1 is already in use")
                    .hasMessageContaining("--port <port>")
                    .hasMessageContaining("LocalKafkaBroker.Builder.clientPort(port)")
                    .hasMessageContaining("0 picks a free one");
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void occupied_controller_port_is_reported_with_the_option_to_change_it() throws IOException {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = occupied.getLocalPort();
            LocalKafkaBroker broker = LocalKafkaBroker.builder()
                    .dataDirectory(dataDirectory)
                    .clientPort(0)
                    .controllerPort(port)
                    .build();

            assertThatThrownBy(broker::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("Kafka controller port " + port)
                    .hasMessageContaining("--controller-port <port>");
        }
    }

    @Test
    void data_directory_of_another_kafka_node_is_rejected_naming_the_directory_to_delete() throws IOException {
        Files.writeString(dataDirectory.resolve("meta.properties"), "version=1\nnode.id=3\ncluster.id=other\n");
        LocalKafkaBroker broker = onFreePorts(dataDirectory).build();

        assertThatThrownBy(broker::start)
                .isInstanceOfSatisfying(
                        IncompatibleDataDirectoryException.class,
                        e -> assertThat(e.directory()).isEqualTo(dataDirectory.toAbsolutePath()))
                .hasMessageContaining("belongs to Kafka node 3 of cluster other")
                .hasMessageContaining("delete " + dataDirectory.toAbsolutePath() + " and start again");
    }

    @Test
    void directory_with_files_that_are_not_kafkas_is_rejected_naming_the_directory_to_delete() throws IOException {
        Files.writeString(dataDirectory.resolve("notes.txt"), "not Kafka");
        LocalKafkaBroker broker = onFreePorts(dataDirectory).build();

        assertThatThrownBy(broker::start)
                .isInstanceOf(IncompatibleDataDirectoryException.class)
                .hasMessageContaining("is not empty but has no Kafka meta.properties")
                .hasMessageContaining("delete " + dataDirectory.toAbsolutePath() + " and start again");
        assertThat(dataDirectory.resolve("meta.properties")).doesNotExist();
    }

    @Test
    void listener_properties_cannot_be_overridden_because_the_builder_owns_them() {
        assertThatThrownBy(() -> LocalKafkaBroker.builder().brokerProperty("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientPort");
    }

    private static LocalKafkaBroker.Builder onFreePorts(Path dataDirectory) {
        return LocalKafkaBroker.builder()
                .dataDirectory(dataDirectory)
                .clientPort(0)
                .controllerPort(0);
    }
}
