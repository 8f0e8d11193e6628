package dev.turnstile.projections;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The read models' rules, stores, queries and feed use no Spring: Spring wires them (the {@code config} packages) and
 * serves them over HTTP (the {@code web} packages), and could be swapped without touching them.
 */
class ReadModelArchitectureTest {

    private static final JavaClasses PROJECTIONS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.turnstile.projections");

    @Test
    void the_read_models_core_uses_no_spring() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.turnstile.projections.activity..",
                        "dev.turnstile.projections.feed..",
                        "dev.turnstile.projections.query..",
                        "dev.turnstile.projections.jobs")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .check(PROJECTIONS);
    }

    @Test
    void the_core_depends_on_neither_its_wiring_nor_its_web_layer() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.turnstile.projections.activity..",
                        "dev.turnstile.projections.feed..",
                        "dev.turnstile.projections.query..",
                        "dev.turnstile.projections.jobs")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.turnstile.projections.config..",
                        "dev.turnstile.projections.web..",
                        "dev.turnstile.projections.jobs.config..",
                        "dev.turnstile.projections.jobs.web..")
                .check(PROJECTIONS);
    }

    @Test
    void the_projections_packages_are_free_of_cycles() {
        slices().matching("dev.turnstile.projections.(*)..")
                .should()
                .beFreeOfCycles()
                .check(PROJECTIONS);
    }
}
