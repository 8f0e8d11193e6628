package dev.turnstile.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The gateway's packages depend on each other one way: wiring on features, features on shared parts, never back. */
class GatewayArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.turnstile.gateway");

    @Test
    void the_gateways_packages_are_free_of_cycles() {
        slices().matching("dev.turnstile.gateway.(*)..")
                .should()
                .beFreeOfCycles()
                .check(GATEWAY);
    }

    @Test
    void nothing_depends_on_the_auto_configuration_that_wires_it() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.turnstile.gateway.config..")
                .and()
                .resideOutsideOfPackage("dev.turnstile.gateway")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.turnstile.gateway.config..")
                .check(GATEWAY);
    }
}
