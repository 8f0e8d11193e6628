package dev.turnstile.processor.claim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The decider is a pure function of state and command: the invariant that makes replays reproduce decisions. */
class DeciderPurityTest {

    private static final JavaClasses DECISION_CODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importClasses(ClaimDecider.class, ClaimState.class, ClaimState.Holder.class, ClaimState.Status.class, RememberedAnswer.class,
                    ClaimState.Status.class);

    @Test
    void decider_and_state_use_no_kafka_or_spring_types() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "org.springframework..")
                .check(DECISION_CODE);
    }

    @Test
    void decider_and_state_read_no_clock_and_draw_no_random_numbers() {
        noClasses()
                .should()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(java.util.UUID.class, "randomUUID")
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(java.util.Random.class)
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(java.time.Clock.class)
                .check(DECISION_CODE);
    }
}
