package dev.multiproc.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library's internal packages depend on each other in one direction only, and the code that
 * runs in a child JVM or a pool's worker loads nothing of the parent's side: it speaks the wire
 * and nothing else of the library (see {@code docs/decisions.md}, "Packages").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackageDependenciesTest {
    private static JavaClasses library;

    @BeforeAll
    static void importTheLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.multiproc");
    }

    @Test
    void noCycleBetweenInternalPackages() {
        slices().matching("dev.multiproc.internal.(*)..")
                .should().beFreeOfCycles()
                .check(library);
    }

    @Test
    void theChildSideDependsOnlyOnTheWire() {
        classes().that().resideInAPackage("dev.multiproc.internal.child..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.multiproc.internal.child..", "dev.multiproc.internal.wire..", "java..")
                .because("a child JVM must start fast and load little: nothing of the parent's engine or native layer")
                .check(library);
    }

    @Test
    void theWireDependsOnNothingInternal() {
        classes().that().resideInAPackage("dev.multiproc.internal.wire..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.multiproc.internal.wire..", "java..")
                .because("both sides of a control channel and the pool speak it: it is the bottom layer")
                .check(library);
    }
}
