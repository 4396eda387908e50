package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's {@code _TestSubclassingProcess.test_stderr_flush}: an exception that ends a task is
 * printed, whole, to the child's stderr (as the JVM prints an uncaught exception, and as Python
 * prints the traceback), to {@code System.err} as the task left it; and it still comes back to
 * the parent as the cause of {@link ChildFailedException}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessStderrFlushTest {

    @Test
    void test_stderr_flush(@TempDir Path dir) throws Exception {
        String file = dir.resolve("stderr").toString();
        JvmProcess<Integer> p = JvmProcess.builder().name("divider").start(() -> {
            System.setErr(new PrintStream(new FileOutputStream(file), false, "UTF-8"));
            return divide(1, 0); // MARKER
        });
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals("java.lang.ArithmeticException", e.remoteClassName().orElseThrow());
        String err = Files.readString(Path.of(file));
        assertTrue(err.startsWith("Exception in thread \"divider\" java.lang.ArithmeticException: / by zero"), err);
        assertTrue(err.contains("at " + JvmProcessStderrFlushTest.class.getName() + ".divide("), err);
        assertTrue(err.contains("JvmProcessStderrFlushTest.java"), err);
    }

    @Test
    void the_traceback_goes_to_the_childs_stderr_and_so_into_the_tail() throws Exception {
        JvmProcess<Integer> p = JvmProcess.start(() -> divide(1, 0));
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.stderrTail().contains("java.lang.ArithmeticException: / by zero"), e.stderrTail());
        assertTrue(e.stderrTail().contains(".divide("), e.stderrTail());
    }

    @Test
    void a_task_that_set_system_err_to_null_still_leaves_its_traceback() throws Exception {
        JvmProcess<Integer> p = JvmProcess.start(() -> {
            System.setErr(null);
            return divide(1, 0);
        });
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.stderrTail().contains("java.lang.ArithmeticException: / by zero"), e.stderrTail());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }

    static int divide(int a, int b) {
        return a / b;
    }
}
