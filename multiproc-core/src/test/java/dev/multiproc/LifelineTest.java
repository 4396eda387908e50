package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.testing.Procs;
import dev.multiproc.jvmtesting.ParentMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child JVM never outlives a parent that was killed, unless it was started to survive it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifelineTest {
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        JvmTesting.killAll(pids);
    }

    private List<Long> startParentAndKillIt(String... args) throws Exception {
        Subprocess parent = JvmTesting.javaCommand(ParentMain.class, args).stdout(Redirect.PIPE).start();
        List<Long> children = new JvmTesting.Lines(parent).childPids();
        pids.addAll(children);
        assertTrue(children.stream().allMatch(JvmTesting::running));
        parent.kill();
        parent.waitFor();
        return children;
    }

    @Test
    void children_halt_after_their_parents_sigkill() throws Exception {
        List<Long> children = startParentAndKillIt("60000", "daemon", "nondaemon", "wait");
        long start = System.nanoTime();
        assertTrue(JvmTesting.awaitGone(children, Procs.PATIENCE.toMillis()), "children still running: " + children);
        System.err.println("children gone " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms after the parent's SIGKILL");
    }

    @Test
    void a_child_that_survives_its_parent_keeps_running() throws Exception {
        List<Long> children = startParentAndKillIt("60000", "survives", "nondaemon", "wait");
        Thread.sleep(1500);
        assertTrue(JvmTesting.running(children.getFirst()), "survivesParent(true) keeps it running");
    }
}
