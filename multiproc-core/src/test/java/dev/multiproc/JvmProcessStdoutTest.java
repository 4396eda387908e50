package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a task prints never touches the control channel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessStdoutTest {

    @Test
    void a_task_that_prints_heavily_still_returns_its_result(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.to(out)).start(() -> {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                line.append("\u00ac\u00ed\u0000\u0005 not a frame ");
            }
            for (int i = 0; i < 5_000; i++) {
                System.out.println(line);
            }
            System.out.print("no newline at the end");
            return "the result";
        });
        assertEquals("the result", p.result());
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(printed.length() > 5_000_000, "printed " + printed.length());
        assertTrue(printed.endsWith("no newline at the end"), "the child flushed stdout before it exited");
    }

    @Test
    void stdout_and_stderr_can_be_pipes() throws Exception {
        JvmProcess<Integer> p = JvmProcess.builder().stdout(Redirect.PIPE).stderr(Redirect.PIPE).start(() -> {
            System.out.print("out");
            System.err.print("err");
            return 1;
        });
        assertEquals("out", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("err", new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(1, p.result());
    }

    @Test
    void stderr_can_go_to_stdout(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        JvmProcess<Integer> p = JvmProcess.builder().stdout(Redirect.to(out)).stderr(Redirect.TO_STDOUT).start(() -> {
            System.out.print("a");
            System.out.flush();
            System.err.print("b");
            return 2;
        });
        assertEquals(2, p.result());
        assertEquals("ab", Files.readString(out));
    }
}
