package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.DaemonExitMain;
import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a JVM exits normally, a daemon command and its whole tree must never outlive it, and a
 * non-daemon command must never be killed by it.
 */
class DaemonAtExitTest {

    @Test
    @Timeout(120)
    void returnFromMain_killsDaemonTreesAndLeavesNonDaemonRunning() throws Exception {
        exitAndCheck(ExitStatus.exited(0));
    }

    @Test
    @Timeout(120)
    void systemExit_killsDaemonTreesAndLeavesNonDaemonRunning() throws Exception {
        exitAndCheck(ExitStatus.exited(3), "exit");
    }

    private static void exitAndCheck(ExitStatus expected, String... args) throws Exception {
        Subprocess jvm = Procs.java(List.of(), DaemonExitMain.class, args)
                .stdin(Redirect.DISCARD).stderr(Redirect.TO_STDOUT).start();
        String output = Procs.readAll(jvm.stdout());
        assertEquals(expected, jvm.waitFor(), output);

        Map<String, List<Long>> pids = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[1].matches("\\d+")) {
                pids.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Long.parseLong(f[1]));
            }
        }
        long keeper = pids.get("keeper").getFirst();
        try {
            assertEquals(2, pids.get("grandchild").size(), output);
            List<Long> mustEnd = new ArrayList<>(pids.get("daemon"));
            mustEnd.addAll(pids.get("grandchild"));
            mustEnd.addAll(pids.get("stubborn"));
            for (long pid : mustEnd) {
                Procs.awaitGone(pid);
            }

            assertTrue(ProcessEntry.isRunning(keeper), "the non-daemon command was killed: "
                    + ProcessEntry.of(keeper).orElse(null));
        } finally {
            // the keeper by design; the others only if this test failed
            pids.values().stream().flatMap(List::stream)
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
