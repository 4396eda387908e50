package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Processes;
import dev.multiproc.lifecycle.StalledGuardianParent;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spawn is announced to the guardian in the kernel's pipe before the fork, never only in this
 * JVM's memory: while the guardian reads nothing, spawning stops once the pipe is full, and a
 * JVM killed then leaves nothing running once the guardian reads again.
 */
class GuardianPipeFullTest {
    private static final int THREADS = 4;
    private static final int EACH = 100;
    /** How long no spawn may finish before the test takes the spawners for waiting: not asserted. */
    private static final long STALL_SECONDS = 3;

    @Test
    @Timeout(180)
    void guardianStopped_spawnsWaitForRoom_andAJvmKilledThenLeavesNothingAlive() throws Exception {
        String token = "mp-pipefull-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Subprocess parent = Procs.java(List.of("-Ddev.multiproc.guardianPipeBytes=4096"),
                StalledGuardianParent.class, token, Integer.toString(THREADS), Integer.toString(EACH))
                .stdin(Redirect.PIPE).stderr(Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(parent.stdout(), StandardCharsets.US_ASCII))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("failed: " + e);
            }
            lines.add("end");
        });
        assertEquals("ready", lines.poll(Procs.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        // Looked for with patience: a single look at /proc missed it on a loaded machine.
        Procs.poll(Procs.PATIENCE, () -> guardianOf(parent).isPresent());
        long guardian = guardianOf(parent).orElseThrow();
        Processes.kill((int) guardian, Signal.SIGSTOP.number());
        try {
            try (OutputStream in = parent.stdin()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            int spawned = 0;
            String last = "";
            for (String line = lines.poll(STALL_SECONDS, TimeUnit.SECONDS); line != null && !line.equals("done")
                    && !line.equals("end"); line = lines.poll(STALL_SECONDS, TimeUnit.SECONDS)) {
                spawned += line.equals("spawned") ? 1 : 0;
                last = line;
            }
            assertNotEquals(THREADS * EACH, spawned, "all spawns went on while the guardian read nothing");
            assertTrue(spawned > 0, "nothing was spawned: " + last);
            parent.kill();
            parent.waitFor();
        } finally {
            Processes.kill((int) guardian, Signal.SIGCONT.number());
        }
        Procs.poll(Duration.ofSeconds(10), () -> marked(token).isEmpty());
        List<ProcessEntry> alive = marked(token);
        alive.forEach(e -> ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly));
        assertTrue(alive.isEmpty(), alive.size() + " commands outlived their parent, such as " + alive);
    }

    private static List<ProcessEntry> marked(String token) {
        return ProcessEntry.snapshot().stream()
                .filter(e -> !e.zombie() && e.commandLine().contains(token))
                .toList();
    }

    private static OptionalLong guardianOf(Subprocess parent) {
        return Procs.childrenOf(parent.pid()).stream()
                .filter(e -> e.commandLine().contains("internal.guardian.Guardian") && !e.zombie())
                .mapToLong(ProcessEntry::pid).findFirst();
    }
}
