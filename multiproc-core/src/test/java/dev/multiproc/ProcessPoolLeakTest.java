package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 small tasks leave no fd, thread or child process behind once the pool is closed; a
 * pool adds one platform thread, whatever its size.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolLeakTest {

    @Test
    void tenThousandTasks_leaveNothingBehind_andThePoolAddsOneThread() throws Exception {
        try (ProcessPool warm = ProcessPool.builder().workers(1).build()) {
            warm.submit(() -> 1).get(); // the engine's own threads and fds exist from now on
        }
        Procs.warmUp();
        // A virtual thread's first timed wait (as a worker's reaping does) starts the JDK's
        // delay scheduler thread, which stays: start it now, whenever the warm pool's did not.
        Thread.ofVirtual().start(() -> PoolTasks.sleep(1)).join();
        Footprint before = Footprint.take();
        Set<Thread> threadsBefore = platformThreads();

        ProcessPool pool = ProcessPool.builder().workers(4).build();
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            int k = i;
            tasks.add(pool.submit(() -> k + 1));
        }
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i + 1, tasks.get(i).get(60, TimeUnit.SECONDS));
        }
        List<Integer> inputs = IntStream.range(0, 5000).boxed().toList();
        assertEquals(inputs, pool.map(x -> x, inputs));
        Set<Thread> added = platformThreads();
        added.removeAll(threadsBefore);
        assertEquals(1, added.size(), "threads the pool added: " + added);
        pool.close();

        boolean clean = Procs.poll(Procs.PATIENCE, () -> {
            try {
                before.assertNothingLeftBehind("after 10,000 tasks");
                return true;
            } catch (AssertionError e) {
                return false;
            }
        });
        if (!clean) {
            before.assertNothingLeftBehind("after 10,000 tasks");
        }
        assertTrue(clean);
    }

    private static Set<Thread> platformThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Procs.liveThreads()) {
            if (!(t instanceof ForkJoinWorkerThread) && !t.getName().startsWith("multiproc-aot")) {
                threads.add(t);
            }
        }
        return threads;
    }
}
