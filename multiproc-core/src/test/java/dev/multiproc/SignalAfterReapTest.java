package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once a child is reaped, signalling it must never send anything or throw: it returns false.
 * (That the signal cannot reach a process that reused the pid is {@link PidReuseTest}.)
 */
class SignalAfterReapTest {

    @Test
    @Timeout(120)
    void signal_afterReapReturnsFalse() throws Exception {
        for (int i = 0; i < 300; i++) {
            Subprocess p = Procs.sleeper();
            assertTrue(p.kill(), "kill of a live child is sent");
            ExitStatus status = p.waitFor();
            assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), status);

            assertFalse(p.kill());
            assertFalse(p.terminate());
            assertFalse(p.signal(Signal.SIGUSR1));
            assertFalse(p.signal(Signal.SIGCONT));
            assertFalse(p.isAlive());
            assertEquals(status, p.waitFor());
            assertEquals(Optional.of(status), p.exitStatus());
        }
    }

    @Test
    void signalGroup_afterReapReturnsFalse() throws Exception {
        for (int i = 0; i < 100; i++) {
            Subprocess p = Command.of("sleep", "60").newProcessGroup()
                    .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
            assertTrue(p.signalGroup(Signal.SIGTERM));
            assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.waitFor());

            assertFalse(p.signalGroup(Signal.SIGKILL));
            assertFalse(p.kill());
        }
    }

    @Test
    void signal_toExitedButUnwaitedChildNeverThrows() throws Exception {
        for (int i = 0; i < 300; i++) {
            Subprocess p = Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start();
            Procs.await("child " + p.pid() + " exits", () -> !ProcessEntry.isRunning(p.pid()));

            p.kill(); // a zombie or reaped: either way no exception

            assertEquals(ExitStatus.exited(0), p.waitFor());
            assertFalse(p.kill());
        }
    }
}
