package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.multiproc.testing.Procs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run()} and {@code communicate()} with no stream a pipe wait for the child and return
 * its status, with the timeout and the tree kill as usual, as Python's {@code call()} and
 * {@code run()} without capture do. They used to throw {@code IllegalStateException}.
 *
 * <p>Mirrors CPython's {@code Lib/test/test_subprocess.py}: {@code ProcessTestCase.test_call_seq},
 * {@code test_call_timeout} and {@code test_communicate_returns}.
 */
class CallWithoutPipesTest {
    @TempDir
    Path tmp;

    @Test
    void callSeq_runWithoutAnyPipe_returnsTheStatus() throws Exception {
        CompletedProcess r = Command.of("sh", "-c", "exit 47")
                .stdin(Redirect.DISCARD).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT).run();
        assertEquals(ExitStatus.exited(47), r.exitStatus());
        assertEquals(0, r.stdoutSize());
    }

    @Test
    void callTimeout_outputToAFile_killsTheTreeAtTheDeadline() throws Exception {
        Path out = tmp.resolve("out");
        String marker = "60.00777"; // a sleep no other test runs
        Command sleeper = Command.of("sh", "-c", "echo started; sleep " + marker + " & exec sleep " + marker)
                .stdin(Redirect.DISCARD).stdout(Redirect.to(out)).stderr(Redirect.DISCARD)
                .timeout(Duration.ofMillis(300));
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class, sleeper::run);
        assertEquals(Duration.ofMillis(300), e.timeout());
        Procs.await("no sleep " + marker + " left", () -> ProcessEntry.snapshot().stream()
                .noneMatch(p -> p.commandLine().contains(marker) && !p.zombie()));
    }

    @Test
    void communicateReturns_withNoPipes() throws Exception {
        Subprocess p = Command.of("sh", "-c", "exit 47")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        CompletedProcess r = p.communicate();
        assertEquals(ExitStatus.exited(47), r.exitStatus());
        assertEquals(0, r.stdoutSize());
        assertEquals(0, r.stderr().length);
        assertEquals(r.exitStatus(), p.communicate(null, Duration.ofSeconds(10)).exitStatus(), "and again");
    }

    @Test
    void communicateWithATimeout_andNoPipes_leavesTheChildRunning() throws Exception {
        Subprocess p = Command.of("sleep", "60")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        try {
            assertThrows(TimeoutExpiredException.class, () -> p.communicate(null, Duration.ofMillis(100)));
            assertEquals(true, p.isAlive());
        } finally {
            p.kill();
        }
        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), p.communicate().exitStatus());
    }
}
