package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.OrphanParent;
import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing a JVM started may outlive it when it dies however it dies (SIGKILL, halt), unless it
 * was started to survive its parent; and then exactly those survive.
 */
class NoOrphansTest {

    private record Started(String kind, boolean survives, long pid) {}

    @Test
    @Timeout(180)
    void parentSigkilled_with50CommandsWithGrandchildrenAnd10ChildJvms_leavesNothingAlive() throws Exception {
        List<Started> started = startParentAndKill(50, 10, 0, "wait", true);
        assertGone(started);
    }

    @Test
    @Timeout(180)
    void parentSigkilled_withHalfSurvivingTheirParent_leavesExactlyThatHalf() throws Exception {
        List<Started> started = startParentAndKill(50, 10, 25, "wait", true);
        try {
            assertGone(started.stream().filter(s -> !s.survives()).toList());
            for (Started s : started.stream().filter(Started::survives).toList()) {
                assertTrue(ProcessEntry.isRunning(s.pid()), s + " was to survive its parent and did not");
            }
            assertEquals(25 * 3 + 5, started.stream().filter(Started::survives).count());
        } finally {
            for (Started s : started) {
                Multiproc.killTree(s.pid(), Duration.ZERO);
            }
        }
    }

    @Test
    @Timeout(120)
    void parentHalted_leavesNothingAlive() throws Exception {
        assertGone(startParentAndKill(6, 2, 0, "halt", false));
    }

    @Test
    @Timeout(120)
    void guardianKilled_isReplaced_andStillDoesItsWork() throws Exception {
        Subprocess parent = Procs.java(List.of(), OrphanParent.class, "4", "0", "0", "wait")
                .stderr(Redirect.INHERIT).start();
        List<Started> started = readStarted(parent);
        long guardian = guardianOf(parent.pid());
        Multiproc.killTree(guardian, Duration.ZERO);
        assertTrue(Procs.poll(Duration.ofSeconds(20), () -> {
            long now = guardianOf(parent.pid());
            return now > 0 && now != guardian;
        }), "no new guardian");
        // The new guardian's pipe held every registration before it was started.
        parent.kill();
        parent.waitFor();
        assertGone(started);
    }

    private static long guardianOf(long parent) {
        return Procs.childrenOf(parent).stream()
                .filter(e -> e.commandLine().contains("internal.guardian.Guardian") && !e.zombie())
                .mapToLong(ProcessEntry::pid).findFirst().orElse(-1);
    }

    private List<Started> startParentAndKill(int commands, int jvms, int surviving, String end, boolean kill)
            throws Exception {
        Subprocess parent = Procs.java(List.of(), OrphanParent.class, Integer.toString(commands),
                Integer.toString(jvms), Integer.toString(surviving), end).stderr(Redirect.INHERIT).start();
        List<Started> started = readStarted(parent);
        assertEquals(commands * 3 + jvms, started.size());
        if (kill) {
            parent.kill();
        }
        ExitStatus status = parent.waitFor();
        assertEquals(kill ? -9 : 3, status.returncode(), "the parent ended as asked");
        return started;
    }

    private static List<Started> readStarted(Subprocess parent) throws Exception {
        List<Started> started = new ArrayList<>();
        try (Stream<String> lines = parent.stdoutLines()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.equals("ready")) {
                    break;
                }
                String[] f = line.split(" ");
                started.add(new Started(f[0], Boolean.parseBoolean(f[1]), Long.parseLong(f[2])));
            }
        }
        return started;
    }

    /** Waits, up to a deadline only a hang reaches, for every one of {@code processes} to stop running. */
    private static void assertGone(List<Started> processes) {
        for (Started s : processes) {
            assertTrue(Procs.poll(Procs.PATIENCE, () -> !ProcessEntry.isRunning(s.pid())),
                    s + " outlived its parent: still running " + Procs.PATIENCE + " after its death");
        }
    }
}
