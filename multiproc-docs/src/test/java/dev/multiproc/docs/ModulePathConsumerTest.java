package dev.multiproc.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's module that {@code requires dev.multiproc}, compiled and run on the module path, runs
 * a command, a task in a child JVM and tasks in a pool; the child JVM and the pool's workers run
 * on the module path too, where the task's class and the library are named modules, and no
 * warning is printed (native access is granted to {@code dev.multiproc} by name).
 */
class ModulePathConsumerTest {
    private static final String MODULE = "org.example.consumer";

    @TempDir
    Path out;

    @Test
    @Timeout(180)
    void aModuleThatRequiresTheLibrary_runsACommandAChildJvmAndAPool() throws Exception {
        Path sources = Path.of(System.getProperty("multiproc.modular"));
        String core = JavaSources.coreArtifact().toString();
        Path noClasses = Files.createDirectories(out.resolve("empty"));
        assertEquals("", JavaSources.javac(noClasses, List.of("--release", "25", "-Xlint:all", "-Werror",
                "--module-source-path", sources.toString(), "--module", MODULE,
                "--module-path", core, "-d", out.toString())));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        CompletedProcess run = Command.of(java, "--enable-native-access=dev.multiproc",
                        "--module-path", core + File.pathSeparator + out.resolve(MODULE),
                        "--module", MODULE + "/" + MODULE + ".ModularConsumer")
                .timeout(Duration.ofSeconds(150))
                .run();
        String report = "stdout:\n" + run.stdoutText() + "stderr:\n" + run.stderrText();
        assertEquals(0, run.exitStatus().returncode(), report);
        assertEquals("", run.stderrText(), report);

        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : run.stdoutText().split("\n")) {
            int colon = line.indexOf(": ");
            lines.put(line.substring(0, colon), line.substring(colon + 2));
        }
        assertEquals(List.of("main", "command", "jvm", "pool", "map"), List.copyOf(lines.keySet()), report);
        assertEquals("hello from a command", lines.get("command"), report);
        assertEquals("[1, 4, 9, 16]", lines.get("map"), report);
        String mainPid = pidOf(lines.get("main"), report);
        for (String where : List.of("jvm", "pool")) {
            assertNotEquals(mainPid, pidOf(lines.get(where), report), where + " ran in the parent: " + report);
        }
    }

    /**
     * The pid in a line "consumer-module library-module pid", after checking that both modules
     * are the named ones: the JVM that wrote it loaded both from the module path.
     */
    private static String pidOf(String where, String report) {
        String[] words = where.split(" ");
        assertEquals(3, words.length, report);
        assertEquals(MODULE, words[0], report);
        assertEquals("dev.multiproc", words[1], report);
        assertTrue(words[2].chars().allMatch(Character::isDigit), report);
        return words[2];
    }
}
