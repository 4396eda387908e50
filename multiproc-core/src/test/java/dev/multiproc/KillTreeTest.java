package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * killTree must never leave a descendant running: not a grandchild, not one that ignores
 * SIGTERM, not one left in the group of a leader that already exited.
 *
 * <p>Killed orphans may stay zombies of whatever adopted them; a zombie has ended and counts
 * as gone.
 */
class KillTreeTest {
    private static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void killTree_killsChildAndGrandchildren() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; echo ready; wait"))
                .start();
        List<Long> grandchildren = pidsUntilReady(p);
        assertEquals(2, grandchildren.size());

        ExitStatus status = p.killTree(GRACE);

        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), status);
        assertAllGone(grandchildren);
    }

    @Test
    void killTree_killsEveryLevelOfADeepTree() throws Exception {
        Path script = tmp.resolve("level.sh");
        Files.writeString(script, """
                #!/bin/sh
                if [ "$1" -gt 0 ]; then "$0" $(($1 - 1)) & else sleep 100 & fi
                echo $!
                [ "$1" -gt 0 ] || echo ready
                wait
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Subprocess p = quiet(Command.of(script.toString(), "4")).start();
        // the levels print concurrently: "ready" need not come last
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        List<Long> descendants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String line = out.readLine();
            if (!"ready".equals(line)) {
                descendants.add(Long.parseLong(line));
            }
        }
        assertEquals(5, descendants.size(), descendants::toString);

        p.killTree(GRACE);

        assertAllGone(descendants);
    }

    @Test
    void killTree_killsGrandchildThatStartedItsOwnSession() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "setsid sleep 100 & echo $!; echo ready; wait")).start();
        List<Long> grandchildren = pidsUntilReady(p);
        Procs.await("the grandchild runs in its own session",
                () -> ProcessEntry.of(grandchildren.getFirst()).map(e -> e.sid() == e.pid()).orElse(false));

        p.killTree(GRACE);

        assertAllGone(grandchildren);
    }

    @Test
    void killTree_killsChildThatIgnoresTermAfterTheGrace() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "trap '' TERM; sleep 100 & echo $!; echo ready; wait")).start();
        List<Long> grandchildren = pidsUntilReady(p);
        Duration grace = Duration.ofMillis(300);

        long started = System.nanoTime();
        ExitStatus status = p.killTree(grace);
        long took = System.nanoTime() - started;

        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), status);
        assertTrue(took >= grace.toNanos(), "SIGKILL came before the grace was over: " + took + " ns");
        assertAllGone(grandchildren);
    }

    @Test
    void killTree_zeroGraceStillKillsEverything() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "trap '' TERM; sleep 100 & echo $!; echo ready; wait")).start();
        List<Long> grandchildren = pidsUntilReady(p);

        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), p.killTree(Duration.ZERO));
        assertAllGone(grandchildren);
    }

    @Test
    void killTree_findsGroupMembersOfLeaderThatAlreadyExited() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "sleep 100 & echo $!; echo ready")).newProcessGroup().start();
        List<Long> members = pidsUntilReady(p);
        assertEquals(ExitStatus.exited(0), p.waitFor());
        long member = members.getFirst();
        assertTrue(ProcessEntry.isRunning(member), "the orphan is still running");
        assertEquals(p.pid(), ProcessEntry.of(member).orElseThrow().pgid(), "the orphan is in the child's group");

        assertEquals(ExitStatus.exited(0), p.killTree(GRACE));

        assertAllGone(members);
    }

    @Test
    void killTree_newSessionLeaderAndItsTree() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; echo ready; wait"))
                .newSession().start();
        List<Long> grandchildren = pidsUntilReady(p);

        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.killTree(GRACE));
        assertAllGone(grandchildren);
    }

    @Test
    void killTree_graceLongerThanNanosCanHold() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "sleep 100 & echo $!; echo ready; wait")).start();
        List<Long> grandchildren = pidsUntilReady(p);

        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.killTree(Duration.ofSeconds(Long.MAX_VALUE)));
        assertAllGone(grandchildren);
    }

    @Test
    void killTree_ofChildAlreadyReapedReturnsItsStatus() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "exit 3")).start();
        ExitStatus status = p.waitFor();

        assertEquals(status, p.killTree(GRACE));
        assertEquals(status, p.killTree(Duration.ZERO));
        assertEquals(ExitStatus.exited(3), status);
    }

    @Test
    void killTree_ofChildWithoutDescendants() throws Exception {
        Subprocess p = Procs.sleeper();

        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.killTree(GRACE));
        assertFalse(p.isAlive());
    }

    /** Reads one pid per line of the child's stdout until a line says {@code ready}. */
    private static List<Long> pidsUntilReady(Subprocess p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        List<Long> pids = new ArrayList<>();
        for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
            if (line == null) {
                throw new AssertionError("the child ended before it was ready; pids so far " + pids);
            }
            pids.add(Long.parseLong(line));
        }
        return pids;
    }

    /** killTree returns once the tree is gone: nothing may still run, not even for a moment. */
    private static void assertAllGone(List<Long> pids) {
        for (long pid : pids) {
            assertFalse(ProcessEntry.isRunning(pid), () -> "still running: " + ProcessEntry.of(pid).orElse(null));
        }
    }

    private static Command quiet(Command command) {
        return command.stdin(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }
}
