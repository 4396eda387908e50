package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Misuse of the I/O API gets a typed exception naming the problem, and leaves no process or fd behind. */
class SubprocessIoBadInputTest {

    @Test
    void communicate_withNoPipes_waitsAndReturnsTheStatus() throws Exception {
        Subprocess child = Command.of("sh", "-c", "exit 3").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.DISCARD).start();
        CompletedProcess r = child.communicate();
        assertEquals(ExitStatus.exited(3), r.exitStatus());
        assertEquals(0, r.stdoutSize());
    }

    @Test
    void communicate_withInputButStdinNotAPipe_isRefused() throws Exception {
        Subprocess child = Command.of("true").stdin(Redirect.DISCARD).start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> child.communicate(new byte[] {1}));
        assertTrue(e.getMessage().contains("its stdin is DISCARD"), e.getMessage());
        child.waitFor();
    }

    @Test
    void communicate_afterTheStreamWasTaken_isRefused() throws Exception {
        Subprocess child = Command.of("echo", "x").start();
        child.stdout();
        IllegalStateException e = assertThrows(IllegalStateException.class, child::communicate);
        assertTrue(e.getMessage().contains("already taken by stdout()"), e.getMessage());
        child.close();
    }

    @Test
    void run_withInputButInheritedStdin_isRefusedBeforeStarting() {
        int before = Procs.children().size();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Command.of("cat").stdin(Redirect.INHERIT).input("x").run());
        assertTrue(e.getMessage().contains("stdin is INHERIT"), e.getMessage());
        assertEquals(before, Procs.children().size());
    }

    @Test
    void zeroOrNegativeTimeouts_lookOnce() throws Exception {
        assertEquals(Duration.ZERO, Command.of("true").timeout(Duration.ZERO).runSettings().timeout());
        assertThrows(NullPointerException.class, () -> Command.of("true").timeout(null));
        Subprocess child = Command.of("sleep", "60").start();
        try {
            assertThrows(TimeoutExpiredException.class, () -> child.communicate(null, Duration.ZERO));
            assertThrows(TimeoutExpiredException.class, () -> child.communicate(null, Duration.ofSeconds(-1)));
            assertTrue(child.isAlive(), "a timed-out communicate leaves the child running");
        } finally {
            child.kill();
            child.communicate();
        }
    }

    @RepeatedTest(20)
    void childClosingStdinEarly_dropsTheRestOfTheInputWithoutAnException() throws Exception {
        byte[] input = new byte[8 * 1024 * 1024];
        CompletedProcess r = Command.of("sh", "-c", "head -c 10 >/dev/null; echo read-ten").input(input).run();
        assertEquals("read-ten\n", r.stdoutText());
        assertEquals(ExitStatus.exited(0), r.exitStatus());
    }

    @Test
    void takingAStreamThatIsNotAPipe_namesTheRedirect() throws Exception {
        Subprocess child = Command.of("true").stdout(Redirect.DISCARD).start();
        IllegalStateException e = assertThrows(IllegalStateException.class, child::stdoutLines);
        assertTrue(e.getMessage().contains("stdout of process " + child.pid() + " is not a pipe (it is DISCARD)"),
                e.getMessage());
        child.waitFor();
    }
}
