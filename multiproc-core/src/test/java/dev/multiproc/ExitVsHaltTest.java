package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.ExitParent;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * System.exit must run the exit semantics (daemon children terminated, non-daemon child JVMs
 * awaited, non-daemon commands left running); Runtime.halt runs nothing, yet every child dies.
 */
class ExitVsHaltTest {
    @TempDir
    Path dir;

    private Map<String, Long> run(String how, Subprocess[] parent) throws Exception {
        parent[0] = Procs.java(List.of(), ExitParent.class, how, dir.toString()).stderr(Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(parent[0].stdout()));
        Map<String, Long> pids = new HashMap<>();
        for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
            String[] f = line.split(" ");
            pids.put(f[0], Long.parseLong(f[1]));
        }
        return pids;
    }

    @Test
    @Timeout(60)
    void systemExit_terminatesDaemons_awaitsChildJvms_leavesCommandsRunning() throws Exception {
        Subprocess[] parent = new Subprocess[1];
        Map<String, Long> pids = run("exit", parent);
        long start = System.nanoTime();
        assertEquals(0, parent[0].waitFor().returncode());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        try {
            assertTrue(Files.exists(dir.resolve("hook")), "the shutdown hook ran");
            assertEquals("done", Files.readString(dir.resolve("worked")), "the non-daemon child JVM finished its task");
            assertTrue(took.compareTo(Duration.ofMillis(1000)) > 0, "System.exit waited for it: " + took);
            Procs.awaitGone(pids.get("daemon-command"));
            Procs.awaitGone(pids.get("daemon-jvm"));
            assertTrue(ProcessEntry.isRunning(pids.get("command")), "a non-daemon command lives on after System.exit");
        } finally {
            Multiproc.killTree(pids.get("command"), Duration.ZERO);
        }
    }

    @Test
    @Timeout(60)
    void halt_runsNothingButEveryChildDies() throws Exception {
        Subprocess[] parent = new Subprocess[1];
        Map<String, Long> pids = run("halt", parent);
        assertEquals(4, parent[0].waitFor().returncode());
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (long pid : pids.values()) {
            while (ProcessEntry.isRunning(pid) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(ProcessEntry.isRunning(pid), "process " + pid + " outlived a halted parent");
        }
        assertFalse(Files.exists(dir.resolve("hook")), "halt ran a shutdown hook");
        assertFalse(Files.exists(dir.resolve("worked")), "the child JVM was awaited although the parent halted");
    }
}
