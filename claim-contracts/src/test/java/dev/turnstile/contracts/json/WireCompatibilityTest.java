package dev.turnstile.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Records as the processor and gateway wrote them at release 0.1 (every decision type, with and without its optional
 * fields, and every command), kept under {@code src/test/resources/wire}: today's code must read them and write the
 * decisions back byte for byte, so the public topic never changes shape under its consumers.
 */
class WireCompatibilityTest {

    private final JsonSerde<ClaimEvent> decisions = new JsonSerde<>(ClaimEvent.class);
    private final JsonSerde<ClaimCommand> commands = new JsonSerde<>(ClaimCommand.class);

    @Test
    void every_decision_written_before_is_read_and_written_again_byte_for_byte() {
        var lines = lines("wire/claim-decisions.v1.jsonl");
        assertThat(lines).hasSize(12);

        for (var line : lines) {
            var event = decisions.deserializer().deserialize("t", bytes(line));
            assertThat(new String(decisions.serializer().serialize("t", event), StandardCharsets.UTF_8))
                    .isEqualTo(line);
        }
    }

    @Test
    void every_command_written_before_is_read_with_every_field() {
        var lines = lines("wire/claim-requests.v1.jsonl");
        assertThat(lines).hasSize(7);

        for (var line : lines) {
            var command = commands.deserializer().deserialize("t", bytes(line));
            var written = commands.serializer().serialize("t", command);
            assertThat(tree(written)).as(line).isEqualTo(tree(bytes(line)));
        }
    }

    private static JsonNode tree(byte[] json) {
        return Json.MAPPER.readTree(json);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> lines(String resource) {
        try (var in = WireCompatibilityTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
