package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.jvmtesting.ParentMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Python's daemon semantics when the parent JVM ends: a non-daemon child is awaited, a daemon
 * child is terminated; on SIGTERM the non-daemon child is awaited only up to its grace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonExitTest {
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        JvmTesting.killAll(pids);
    }

    private record Parent(Subprocess process, List<Long> children) {}

    private Parent parent(String... args) throws Exception {
        Subprocess p = JvmTesting.javaCommand(ParentMain.class, args).stdout(Redirect.PIPE).start();
        List<Long> children = new JvmTesting.Lines(p).childPids();
        pids.addAll(children);
        return new Parent(p, children);
    }

    @Test
    void a_non_daemon_child_keeps_the_parent_alive_after_main_returns() throws Exception {
        Parent parent = parent("1500", "nondaemon", "return");
        Thread.sleep(500);
        assertTrue(parent.process.isAlive(), "main returned, but the child still runs");
        assertTrue(JvmTesting.running(parent.children.getFirst()));
        assertEquals(ExitStatus.exited(0), parent.process.waitFor());
        assertFalse(JvmTesting.running(parent.children.getFirst()));
    }

    @Test
    void a_daemon_child_is_terminated_when_main_returns() throws Exception {
        Parent parent = parent("60000", "daemon", "return");
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Duration.ofSeconds(20)).orElseThrow());
        assertTrue(JvmTesting.awaitGone(parent.children, 2000));
    }

    @Test
    void system_exit_waits_for_a_non_daemon_child() throws Exception {
        Parent parent = parent("1500", "nondaemon", "exit");
        Thread.sleep(500);
        assertTrue(parent.process.isAlive(), "System.exit waits for the child");
        assertEquals(ExitStatus.exited(0), parent.process.waitFor());
        assertFalse(JvmTesting.running(parent.children.getFirst()));
    }

    @Test
    void system_exit_terminates_a_daemon_child() throws Exception {
        Parent parent = parent("60000", "daemon", "exit");
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Duration.ofSeconds(20)).orElseThrow());
        assertTrue(JvmTesting.awaitGone(parent.children, 2000));
    }

    @Test
    void sigterm_terminates_daemons_at_once_and_non_daemons_after_their_grace() throws Exception {
        Parent parent = parent("60000", "grace=3000", "daemon", "nondaemon", "wait");
        long daemon = parent.children.get(0);
        long nonDaemon = parent.children.get(1);
        parent.process.terminate();
        assertTrue(JvmTesting.awaitGone(List.of(daemon), 1000), "the daemon child is terminated at once");
        assertTrue(JvmTesting.running(nonDaemon), "the non-daemon child is awaited for its grace");
        assertEquals(ExitStatus.exited(143), parent.process.waitFor(Duration.ofSeconds(20)).orElseThrow());
        assertTrue(JvmTesting.awaitGone(List.of(nonDaemon), 2000));
    }

    @Test
    void sigterm_waits_for_a_non_daemon_child_that_ends_within_its_grace() throws Exception {
        Parent parent = parent("1500", "grace=30000", "nondaemon", "wait");
        long start = System.nanoTime();
        parent.process.terminate();
        assertEquals(ExitStatus.exited(143), parent.process.waitFor(Duration.ofSeconds(20)).orElseThrow());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 900, "the parent waited for its child: " + waited + " ms");
        assertFalse(JvmTesting.running(parent.children.getFirst()));
    }
}
