package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.jvmtesting.DirectoryMain;
import dev.multiproc.jvmtesting.JvmTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code directory(d)} does not break a relative class path: the child is started with this
 * JVM's class path, module path and the paths in its options made absolute against this JVM's
 * working directory, so that it finds its task's classes wherever it runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessDirectoryTest {

    @Test
    void a_child_in_another_directory_loads_its_task_from_a_relative_class_path(@TempDir Path elsewhere)
            throws Exception {
        Path classes = Path.of(JvmProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path testClasses = Path.of(DirectoryMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path base = classes.getParent();
        String relative = base.relativize(classes) + ":" + base.relativize(testClasses);
        Path dir = elsewhere.toRealPath();
        Subprocess parent = Command.of(List.of(JvmTesting.java(), "--enable-native-access=ALL-UNNAMED",
                        "-cp", relative, DirectoryMain.class.getName(), dir.toString()))
                .directory(base).stdin(Redirect.DISCARD).stdout(Redirect.PIPE).stderr(Redirect.to(dir.resolve("err")))
                .start();
        String out = new String(parent.stdout().readAllBytes()).strip();
        assertEquals(ExitStatus.exited(0), parent.waitFor(), out + Files.readString(dir.resolve("err")));
        assertEquals(dir + " " + base.resolve("native"), out);
    }
}
