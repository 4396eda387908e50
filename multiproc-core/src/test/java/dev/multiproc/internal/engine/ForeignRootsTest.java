package dev.multiproc.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Subprocess;
import dev.multiproc.internal.posix.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guardian's kill must reach a registered process only if the process at that pid started
 * within the registered range: a pid reused since names a stranger, who is left alone.
 */
class ForeignRootsTest {
    private static Subprocess sleeper() throws Exception {
        return Command.of("sh", "-c", "sleep 60 & wait").survivesParent().stdin(Redirect.DISCARD)
                .stdout(Redirect.DISCARD).start();
    }

    @Test
    void aProcessThatStartedWithinTheRange_isKilledWithItsTree() throws Exception {
        long before = Clock.bootTicks();
        Subprocess p = sleeper();
        long after = Clock.bootTicks();
        int session = ProcFs.stat((int) p.pid()).orElseThrow().session();
        ProcessTree.killForeign(List.of(new ProcessTree.Foreign((int) p.pid(), before, after, false, session)),
                Signal.SIGTERM, Duration.ofMillis(200));
        assertTrue(p.waitFor(Duration.ofSeconds(10)).isPresent(), "the registered process was not killed");
    }

    @Test
    void aProcessThatStartedOutsideTheRange_isLeftAlone() throws Exception {
        long before = Clock.bootTicks();
        Subprocess p = sleeper();
        try {
            int session = ProcFs.stat((int) p.pid()).orElseThrow().session();
            // As if this pid had been registered for a process that started earlier and was since reused.
            ProcessTree.killForeign(List.of(new ProcessTree.Foreign((int) p.pid(), before - 1000, before - 500, false,
                    session)), Signal.SIGKILL, Duration.ZERO);
            Thread.sleep(200);
            assertTrue(ProcessEntry.isRunning(p.pid()), "a stranger with a reused pid was killed");
        } finally {
            p.killTree(Duration.ZERO);
        }
        assertFalse(p.isAlive());
    }
}
