package io.rapport;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** The package layout is the architecture: capabilities talk through public APIs and events, never in cycles. */
class ModularityTests {

    /** rapport-analytics shares the io.rapport prefix but is a library the server uses, not one of its modules. */
    static final ApplicationModules MODULES = ApplicationModules.of(RapportApplication.class,
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("io.rapport.analytics.."));

    @Test
    void should_respect_the_capability_boundaries() {
        MODULES.verify();
    }

    @Test
    void should_write_module_documentation() {
        new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }
}
