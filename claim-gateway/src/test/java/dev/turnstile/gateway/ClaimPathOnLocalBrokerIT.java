package dev.turnstile.gateway;

import dev.turnstile.kafka.local.SharedTestKafka;

/** The claim-path guarantees on the project's own Kafka broker (or the one named by TURNSTILE_TEST_BOOTSTRAP_SERVERS). */
class ClaimPathOnLocalBrokerIT extends ClaimPathContract {

    @Override
    String bootstrapServers() {
        return SharedTestKafka.bootstrapServers();
    }
}
