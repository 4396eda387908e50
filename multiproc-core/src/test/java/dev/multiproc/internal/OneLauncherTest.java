package dev.multiproc.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.multiproc.Command;
import dev.multiproc.DetachedCommand;
import dev.multiproc.Pipeline;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.launch.Launcher;
import dev.multiproc.internal.posix.Spawn;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every child starts through one launcher, which checks, opens the stdio, sees to the guardian
 * and words a failure the same way for every kind of child: nothing else reaches the spawn (see
 * {@code docs/decisions.md}, "One launcher").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OneLauncherTest {
    private static JavaClasses library;

    @BeforeAll
    static void importTheLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.multiproc");
    }

    @Test
    void onlyTheLauncherCallsTheEnginesSpawn() {
        methods().that().areDeclaredIn(Engine.class).and().haveName("spawn")
                .should().onlyBeCalled().byClassesThat().belongToAnyOf(Launcher.class)
                .because("the launcher is the one way to start a child")
                .check(library);
    }

    @Test
    void onlyTheLauncherMakesASpawnPlan() {
        methods().that().areDeclaredIn(SpawnPlan.class).and().haveName("builder")
                .should().onlyBeCalled().byClassesThat().belongToAnyOf(Launcher.class)
                .check(library);
    }

    @Test
    void onlyTheEngineReachesTheSpawner() {
        classes().that().haveFullyQualifiedName("dev.multiproc.internal.engine.Spawner")
                .should().onlyBeAccessed().byClassesThat()
                .haveNameMatching("dev\\.multiproc\\.internal\\.engine\\.(Engine|Spawner)(\\$.*)?")
                .check(library);
        methods().that().areDeclaredIn(Spawn.class).and().haveNameMatching("spawnp|posix_spawnp")
                .should().onlyBeCalled().byClassesThat()
                .haveNameMatching("dev\\.multiproc\\.internal\\.(engine\\.Spawner|posix\\.Spawn)(\\$.*)?")
                .check(library);
    }

    @Test
    void nothingInternalStartsAChildThroughThePublicApi() {
        noClasses().that().resideInAPackage("dev.multiproc.internal..")
                .should().dependOnClassesThat().belongToAnyOf(Command.class, Pipeline.class, DetachedCommand.class)
                .because("the library starts its own children through the launcher")
                .check(library);
    }
}
