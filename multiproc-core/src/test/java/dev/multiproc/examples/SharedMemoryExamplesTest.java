package dev.multiproc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessLock;
import dev.multiproc.SharedLongArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared-memory examples shown in the README, run by the build (the README's copy is
 * compiled by multiproc-docs). Keep the code between the {@code // README} markers as the README shows it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedMemoryExamplesTest {

    @Test
    void a_shared_array_summed_by_children() throws Exception {
        // README: shared-array
        try (SharedLongArray sums = SharedLongArray.create(1)) {
            List<JvmProcess<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                long first = w * 1_000_000L;
                workers.add(JvmProcess.start(() -> {
                    for (long i = first; i < first + 1_000_000; i++) {
                        sums.getAndAdd(0, i);     // atomic: no lock needed
                    }
                    return null;
                }));
            }
            for (JvmProcess<Void> w : workers) {
                w.join();
            }
            System.out.println(sums.get(0));      // 4499998500000
        // README: end
            assertEquals(3_000_000L * 2_999_999L / 2, sums.get(0));
        }
    }

    @Test
    void a_lock_whose_holder_is_killed() throws Exception {
        // README: lock-holder-killed
        try (ProcessLock lock = ProcessLock.create()) {
            JvmProcess<Void> holder = JvmProcess.start(() -> {
                lock.lock();                      // and never unlocks
                Thread.sleep(60_000);
                return null;
            });
            while (!lock.isLocked()) {
                Thread.sleep(10);
            }
            holder.kill();                        // SIGKILL while it holds the lock
            boolean got = lock.tryLock(Duration.ofSeconds(30));
            System.out.println(got + ", owner died: " + lock.ownerDied()); // true, owner died: true
            lock.unlock();
        // README: end
            assertTrue(got);
            assertTrue(lock.ownerDied());
        }
    }
}
