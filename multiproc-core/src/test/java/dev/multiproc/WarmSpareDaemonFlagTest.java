package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A warm spare is started as a daemon, before its task is known; once it takes a task it is the
 * task's child: this JVM's exit treats it, and {@link Multiproc#activeChildren()} lists it, with
 * the task's daemon flag.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WarmSpareDaemonFlagTest {

    private static List<ProcessEntry> spares() {
        long self = ProcessHandle.current().pid();
        return ProcessEntry.snapshot().stream()
                .filter(e -> e.ppid() == self && ProcessEntry.isRunning(e.pid()) && e.commandLine().endsWith(" --spare"))
                .toList();
    }

    @AfterEach
    void discardTheSpare() throws InterruptedException {
        JvmProcess.discardSpare();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!spares().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the spare outlived discardSpare()");
            Thread.sleep(20);
        }
    }

    @Test
    void a_non_daemon_task_on_a_spare_is_listed_as_no_daemon() throws Exception {
        JvmProcess.Builder builder = JvmProcess.builder().warmSpare(true).jvmOptions("-Xmx99m");
        builder.start(() -> 1).join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (spares().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no spare was started");
            Thread.sleep(20);
        }
        long spare = spares().getFirst().pid();

        JvmProcess<Integer> p = builder.daemon(false).start(() -> {
            Thread.sleep(60_000);
            return 1;
        });
        try {
            assertEquals(spare, p.pid(), "the spare took the task");
            ChildInfo listed = Multiproc.activeChildren().stream().filter(c -> c.pid() == p.pid()).findFirst()
                    .orElseThrow();
            assertFalse(listed.daemon(), "listed as a daemon: " + listed);
        } finally {
            p.kill();
            p.join();
        }
    }
}
