package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A warm spare takes the next start with the same settings, and only such a start. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessWarmSpareTest {

    private static List<ProcessEntry> spares() {
        long self = ProcessHandle.current().pid();
        return ProcessEntry.snapshot().stream()
                .filter(e -> e.ppid() == self && !e.zombie() && e.commandLine().endsWith(" --spare"))
                .toList();
    }

    private static void awaitSpare() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (spares().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no spare was started");
            Thread.sleep(20);
        }
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
    void discardSpare_killsTheSpareAndCancelsItsReplacement() throws Exception {
        JvmProcess.Builder builder = JvmProcess.builder().warmSpare(true).jvmOptions("-Xmx95m");
        builder.start(() -> 1).join();
        awaitSpare();
        JvmProcess.discardSpare();
        Thread.sleep(500); // longer than a replacement waits to start
        assertTrue(spares().stream().noneMatch(e -> ProcessEntry.isRunning(e.pid())), "a spare is still idle");
    }

    @Test
    void the_next_start_with_the_same_settings_takes_the_spare() throws Exception {
        JvmProcess.Builder builder = JvmProcess.builder().warmSpare(true).jvmOptions("-Xmx96m");
        assertEquals("first", builder.start(() -> "first").result());
        awaitSpare();
        long spare = spares().getFirst().pid();

        String word = "second";
        JvmProcess<String> p = builder.name("on-a-spare").start(() -> word + " " + Runtime.getRuntime().maxMemory());
        assertEquals(spare, p.pid(), "the spare took the task");
        assertTrue(p.result().startsWith("second "), p.result());
        assertTrue(Long.parseLong(p.result().substring(7)) <= 96L << 20);
        assertEquals("on-a-spare", p.name());
        assertEquals(ExitStatus.exited(0), p.join());

        JvmProcess<String> other = JvmProcess.builder().jvmOptions("-Xmx80m").start(() -> "other");
        awaitSpare();
        assertFalse(spares().stream().anyMatch(e -> e.pid() == other.pid()), "other settings start their own JVM");
        assertEquals("other", other.result());
    }

    @Test
    void a_task_on_a_spare_fails_and_exits_as_any_other() throws Exception {
        JvmProcess.Builder builder = JvmProcess.builder().warmSpare(true).jvmOptions("-Xmx97m");
        builder.start(() -> 1).join();
        awaitSpare();
        JvmProcess<Integer> p = builder.start(() -> {
            throw new IllegalStateException("on a spare");
        });
        ChildFailedException e = org.junit.jupiter.api.Assertions.assertThrows(ChildFailedException.class, p::result);
        assertEquals("java.lang.IllegalStateException", e.remoteClassName().orElseThrow());
        assertEquals(ExitStatus.exited(1), p.join());
    }
}
