package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.AotParentMain;
import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.testing.Procs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM SIGKILLed while it records the AOT cache leaves its temporary behind; the next JVM
 * deletes it, and what it records is private: the directory 0700, the cache 0600, nothing else.
 */
class AotCacheTemporaryFilesTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void a_recording_killed_midway_leaves_a_temporary_that_the_next_run_deletes(@TempDir Path dir) throws Exception {
        Path classes = Path.of(JvmProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("multiproc-core.jar");
        AotCacheTest.jar(classes, jar);
        Path cache = dir.resolve("cache");

        Subprocess killed = parent(dir, jar, cache).start();
        assertTrue(Procs.poll(Duration.ofSeconds(120), () -> !temporaries(cache).isEmpty()),
                "the first JVM began recording");
        killed.kill();
        killed.waitFor();
        Procs.await("the recording JVM is gone", () -> Procs.childrenOf(killed.pid()).isEmpty()
                && ProcessEntry.snapshot().stream().noneMatch(e -> e.commandLine().contains("-XX:AOTCacheOutput=" + cache)));
        assertTrue(!temporaries(cache).isEmpty(), "the killed recording left its temporary: " + list(cache));

        Subprocess next = parent(dir, jar, cache).stdout(Redirect.PIPE).start();
        String out = new String(next.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitStatus.exited(0), next.waitFor(), out + Files.readString(dir.resolve("stderr")));
        assertEquals("cold\naot-used\nwarm\n", out);
        Procs.await("the next JVM deleted the temporary: " + list(cache), () -> temporaries(cache).isEmpty());
        List<Path> files = list(cache);
        assertEquals(1, files.size(), "one cache and nothing else: " + files);
        assertTrue(files.getFirst().toString().endsWith(".aot"), files.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(files.getFirst(), LinkOption.NOFOLLOW_LINKS)));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cache, LinkOption.NOFOLLOW_LINKS)));
    }

    private static Command parent(Path dir, Path jar, Path cache) throws Exception {
        Path testClasses = Path.of(AotParentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Command.of(List.of(JvmTesting.java(), "--enable-native-access=ALL-UNNAMED",
                        "-Ddev.multiproc.cacheDir=" + cache, "-cp", jar + ":" + testClasses, AotParentMain.class.getName()))
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.appendTo(dir.resolve("stderr")));
    }

    /** The temporaries of a recording in {@code cache}: anything but finished caches. */
    private static List<Path> temporaries(Path cache) {
        return list(cache).stream().filter(f -> !f.getFileName().toString().endsWith(".aot")).toList();
    }

    private static List<Path> list(Path cache) {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
