package dev.turnstile.processor.claim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The decision packages (claims: {@code decision}; work queues: {@code jobs}) are pure functions of state and
 * command: the invariant that makes replays reproduce decisions. Every class in them, present and future, is held to
 * it.
 */
class DeciderPurityTest {

    private static final String[] DECISION_PACKAGES = {
        "dev.turnstile.processor.decision..", "dev.turnstile.processor.jobs.."
    };

    private static final JavaClasses PROCESSOR_CODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.turnstile.processor");

    @Test
    void the_decision_packages_use_no_kafka_or_spring_types() {
        noClasses()
                .that()
                .resideInAnyPackage(DECISION_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "org.springframework..")
                .check(PROCESSOR_CODE);
    }

    @Test
    void the_decision_packages_read_no_clock_and_draw_no_random_numbers() {
        noClasses()
                .that()
                .resideInAnyPackage(DECISION_PACKAGES)
                .should()
                .callMethod(Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(UUID.class, "randomUUID")
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(Random.class)
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(Clock.class)
                .check(PROCESSOR_CODE);
    }

    @Test
    void the_decision_packages_do_not_depend_on_their_adapters() {
        noClasses()
                .that()
                .resideInAnyPackage(DECISION_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.turnstile.processor.claim..",
                        "dev.turnstile.processor.config..",
                        "dev.turnstile.processor.jobstream..")
                .check(PROCESSOR_CODE);
    }
}
