package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.jvmtesting.AotParentMain;
import dev.multiproc.jvmtesting.JvmTesting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the library in a jar, the first child records an AOT cache in the background and later
 * children use it, without a word on their stderr.
 */
class AotCacheTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void a_cache_is_recorded_once_then_used_silently(@TempDir Path dir) throws Exception {
        Path classes = Path.of(JvmProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("multiproc-core.jar");
        jar(classes, jar);
        Path testClasses = Path.of(AotParentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path cache = dir.resolve("cache");
        Path err = dir.resolve("stderr");
        Subprocess parent = Command.of(List.of(JvmTesting.java(), "--enable-native-access=ALL-UNNAMED",
                        "-Ddev.multiproc.cacheDir=" + cache, "-cp", jar + ":" + testClasses,
                        AotParentMain.class.getName()))
                .stdin(Redirect.DISCARD).stdout(Redirect.PIPE).stderr(Redirect.to(err)).start();
        String out = new String(parent.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitStatus.exited(0), parent.waitFor(), out + Files.readString(err));
        assertEquals("cold\naot-used\nwarm\n", out);
        assertEquals("", Files.readString(err), "nothing on the children's stderr");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".aot")).count(), "one cache, no temporary files");
        }
    }

    /** Writes the classes under {@code classes} into the jar {@code jar}. */
    static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                try (var in = Files.newInputStream(f)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

}
