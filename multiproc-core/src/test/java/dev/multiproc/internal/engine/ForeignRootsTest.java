package dev.multiproc.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Subprocess;
import dev.multiproc.internal.posix.Clock;
import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    @Test
    @Timeout(300)
    void aRootForkingWhileItIsKilled_leavesNoChildBehind() throws Exception {
        List<String> escaped = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String token = "mp-forking-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            long before = Clock.bootTicks();
            Subprocess p = Command.of("bash", "-c", "while :; do (exec -a " + token + " sleep 1000) & done")
                    .survivesParent().stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD)
                    .start();
            long after = Clock.bootTicks();
            Procs.await("the root forks", () -> marked(token).size() >= 10);
            int session = ProcFs.stat((int) p.pid()).orElseThrow().session();
            ProcessTree.killForeign(List.of(new ProcessTree.Foreign((int) p.pid(), before, after, false, session)),
                    Signal.SIGTERM, Duration.ofMillis(200));
            p.waitFor();
            List<ProcessEntry> left = marked(token);
            if (!left.isEmpty()) {
                escaped.add("round " + i + ": " + left.size() + ", such as " + left.getFirst());
                left.forEach(e -> ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
        assertTrue(escaped.isEmpty(), "children forked as the root was killed outlived it: " + escaped);
    }

    private static List<ProcessEntry> marked(String token) {
        return ProcessEntry.snapshot().stream().filter(e -> !e.zombie() && e.commandLine().contains(token)).toList();
    }
}
