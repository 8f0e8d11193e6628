package dev.turnstile.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalKafkaMainTest {

    @TempDir
    Path dataDirectory;

    @Test
    void options_default_to_kafkas_usual_ports_and_the_launchers_data_directory() {
        LocalKafkaMain main = new LocalKafkaMain();
        new CommandLine(main).parseArgs();

        assertThat(main.port).isEqualTo(9092);
        assertThat(main.controllerPort).isEqualTo(9093);
        assertThat(main.dataDirectory).isEqualTo(Path.of(".data/kafka"));
        assertThat(main.partitions).isEqualTo(6);
    }

    @Test
    void occupied_port_ends_the_command_with_exit_code_1_and_the_message_only() throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandLine commandLine = LocalKafkaMain.commandLine();
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));

            int exitCode = commandLine.execute(
                    "--data-dir",
                    dataDirectory.toString(),
                    "--port",
                    Integer.toString(occupied.getLocalPort()),
                    "--controller-port",
                    "0");

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString())
                    .contains("Kafka client port " + occupied.getLocalPort())
                    .doesNotContain("\tat ");
        }
    }
}
