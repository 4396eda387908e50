package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.EmfileMain;
import dev.multiproc.jvmtesting.JvmTesting;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first child JVM or pool of a JVM started while it is out of file descriptors (EMFILE)
 * fails with a typed exception naming the error and leaves no descriptor open; once
 * descriptors are free, the next start works. (It used to fail with the JDK's
 * {@code InternalError}, and every later start with {@code NoClassDefFoundError}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstStartEmfileTest {

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "pool"})
    void emfile_on_the_first_start_then_a_start_that_works(String kind) throws Exception {
        // A low limit, so that taking every descriptor is quick; the test JVM's own are not touched.
        Command main = JvmTesting.javaCommand(EmfileMain.class, kind);
        List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh"));
        argv.addAll(main.argv());
        CompletedProcess r = Command.of(argv).stdin(Redirect.DISCARD).timeout(java.time.Duration.ofSeconds(100)).run();
        String out = r.stdoutText();
        assertEquals(0, r.exitStatus().returncode(), out + r.stderrText());
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out + r.stderrText());
        assertTrue(lines.get(0).startsWith("first: " + MultiprocException.class.getName() + ": "), out);
        assertTrue(lines.get(0).contains("EMFILE"), out);
        assertTrue(lines.get(1).startsWith("fds "), out);
        assertTrue(Integer.parseInt(lines.get(1).substring(4)) <= 0, "the failed start left descriptors open: " + out);
        assertEquals("second: second", lines.get(2), out + r.stderrText());
    }
}
