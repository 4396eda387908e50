package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.multiproc.pooltesting.PoolTasks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs queued in a worker behind a long job do not wait for it while another worker is idle:
 * the idle worker takes them back (a worker holds several jobs at once, so that it never waits
 * for this JVM between two of them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolBalanceTest {

    @Test
    void tasksQueuedBehindALongTask_runOnTheIdleWorker() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            pool.map(x -> x, IntStream.range(0, 4000).boxed().toList()); // both workers take many jobs at once now
            // the slow task runs until the test opens its gate, after the quick ones: no duration to outlast
            String gate = java.nio.file.Files.createTempFile("balance-gate", "").toString();
            java.nio.file.Files.delete(java.nio.file.Path.of(gate));
            CompletableFuture<Long> slow = pool.submit(() -> {
                while (!java.nio.file.Files.exists(java.nio.file.Path.of(gate))) {
                    PoolTasks.sleep(5);
                }
                return PoolTasks.pid();
            });
            List<CompletableFuture<Long>> quick = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                quick.add(pool.submit(() -> {
                    PoolTasks.sleep(10);
                    return PoolTasks.pid();
                }));
            }
            Set<Long> ranOn = new HashSet<>();
            for (CompletableFuture<Long> q : quick) {
                ranOn.add(q.get(30, TimeUnit.SECONDS));
            }
            assertFalse(slow.isDone(), "the quick tasks waited for the slow one");
            java.nio.file.Files.writeString(java.nio.file.Path.of(gate), "open");
            long slowPid = slow.get();
            java.nio.file.Files.delete(java.nio.file.Path.of(gate));
            assertFalse(ranOn.contains(slowPid) && ranOn.size() == 1);
            assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)));
        }
    }

    @Test
    void aBurstOfSlowTasksAfterATinyOne_isSpreadOverTheWorkers() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            pool.submit(() -> 0).get();
            List<CompletableFuture<Long>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(pool.submit(() -> {
                    PoolTasks.sleep(200);
                    return PoolTasks.pid();
                }));
            }
            Set<Long> pids = new HashSet<>();
            for (CompletableFuture<Long> t : tasks) {
                pids.add(t.get(30, TimeUnit.SECONDS));
            }
            assertEquals(2, pids.size(), "both workers ran them");
        }
    }
}
