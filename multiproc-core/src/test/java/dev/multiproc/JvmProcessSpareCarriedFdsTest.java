package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task that carries handles takes the warm spare too: the spare, started before the task, gets
 * the task's fds over its socket before the task frame, instead of a cold start.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JvmProcessSpareCarriedFdsTest {
    private static List<ProcessEntry> spares() {
        long self = ProcessHandle.current().pid();
        return ProcessEntry.snapshot().stream()
                .filter(e -> e.ppid() == self && !e.zombie() && e.commandLine().endsWith(" --spare"))
                .toList();
    }

    private static long awaitSpare() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (spares().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no spare was started");
            Thread.sleep(20);
        }
        return spares().getFirst().pid();
    }

    @AfterEach
    void discardTheSpare() throws InterruptedException {
        JvmProcess.discardSpare();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!spares().isEmpty()) { // gone before the next test counts its fds
            assertTrue(System.nanoTime() < deadline, "the spare outlived discardSpare()");
            Thread.sleep(20);
        }
    }

    @Test
    void aTaskWithASharedArrayAndALock_runsOnTheSpare_withItsFds() throws Exception {
        JvmProcess.Builder builder = JvmProcess.builder().warmSpare(true).jvmOptions("-Xmx94m");
        assertEquals(1, builder.start(() -> 1).result());
        for (int round = 0; round < 4; round++) {
            long spare = awaitSpare();
            try (SharedLongArray array = SharedLongArray.create(2); ProcessLock lock = ProcessLock.create()) {
                array.set(0, 40 + round);
                JvmProcess<Long> p = builder.start(() -> {
                    lock.lock();
                    try {
                        array.set(1, 2);
                        return array.get(0) + array.get(1);
                    } finally {
                        lock.unlock();
                    }
                });
                assertEquals(spare, p.pid(), "round " + round + ": the spare took the task");
                assertEquals(42 + round, p.result());
                assertEquals(2, array.get(1));
            }
        }
    }
}
