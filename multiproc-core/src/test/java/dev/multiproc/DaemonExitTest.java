package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.jvmtesting.ParentMain;
import dev.multiproc.testing.Procs;
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
@Timeout(value = 120, unit = TimeUnit.SECONDS)
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

    /** How long a child that is to outlive the test's checks lives: it is killed by the test. */
    private static final String FOR_EVER = "600000";
    private static final long PATIENCE_MILLIS = Procs.PATIENCE.toMillis();

    @Test
    void a_non_daemon_child_keeps_the_parent_alive_after_main_returns() throws Exception {
        Parent parent = parent(FOR_EVER, "nondaemon", "return");
        long child = parent.children.getFirst();
        Thread.sleep(500); // main printed "main done" and returns
        assertTrue(parent.process.isAlive(), "main returned, but the child still runs");
        assertTrue(JvmTesting.running(child));
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Procs.PATIENCE).orElseThrow(),
                "the parent ends once its non-daemon child has");
    }

    @Test
    void a_daemon_child_is_terminated_when_main_returns() throws Exception {
        Parent parent = parent(FOR_EVER, "daemon", "return");
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Procs.PATIENCE).orElseThrow());
        assertTrue(JvmTesting.awaitGone(parent.children, PATIENCE_MILLIS));
    }

    @Test
    void system_exit_waits_for_a_non_daemon_child() throws Exception {
        Parent parent = parent(FOR_EVER, "nondaemon", "exit");
        long child = parent.children.getFirst();
        Thread.sleep(500);
        assertTrue(parent.process.isAlive(), "System.exit waits for the child");
        assertTrue(JvmTesting.running(child));
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Procs.PATIENCE).orElseThrow());
    }

    @Test
    void system_exit_terminates_a_daemon_child() throws Exception {
        Parent parent = parent(FOR_EVER, "daemon", "exit");
        assertEquals(ExitStatus.exited(0), parent.process.waitFor(Procs.PATIENCE).orElseThrow());
        assertTrue(JvmTesting.awaitGone(parent.children, PATIENCE_MILLIS));
    }

    @Test
    void sigterm_terminates_daemons_at_once_and_non_daemons_after_their_grace() throws Exception {
        long grace = 6000;
        Parent parent = parent(FOR_EVER, "grace=" + grace, "daemon", "nondaemon", "wait");
        long daemon = parent.children.get(0);
        long nonDaemon = parent.children.get(1);
        long signalled = System.nanoTime();
        parent.process.terminate();
        assertTrue(JvmTesting.awaitGone(List.of(daemon), PATIENCE_MILLIS), "the daemon child is terminated");
        if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled) < grace / 2) {
            // (on a machine so busy that the daemon took longer, the grace may be over: nothing to tell)
            assertTrue(JvmTesting.running(nonDaemon), "the non-daemon child is awaited for its grace");
        }
        assertTrue(JvmTesting.awaitGone(List.of(nonDaemon), grace + PATIENCE_MILLIS), "its grace ended");
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertTrue(lived >= grace, "the non-daemon child was given its grace of " + grace + " ms: " + lived);
        assertEquals(ExitStatus.exited(143), parent.process.waitFor(Procs.PATIENCE).orElseThrow());
    }

    @Test
    void sigterm_waits_for_a_non_daemon_child_that_ends_within_its_grace() throws Exception {
        Parent parent = parent(FOR_EVER, "grace=600000", "nondaemon", "wait");
        long child = parent.children.getFirst();
        parent.process.terminate();
        Thread.sleep(500);
        assertTrue(parent.process.isAlive(), "the parent waits for its child");
        assertTrue(JvmTesting.running(child));
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        assertEquals(ExitStatus.exited(143), parent.process.waitFor(Procs.PATIENCE).orElseThrow(),
                "the parent ends as the child ends, within the grace");
    }
}
