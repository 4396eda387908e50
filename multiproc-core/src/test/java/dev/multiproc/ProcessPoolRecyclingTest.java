package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker is replaced after N tasks: its pid changes, and no task is lost. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolRecyclingTest {

    @Test
    void workers_areReplacedAfterNTasks_andEveryTaskRuns() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).maxTasksPerWorker(5).build()) {
            Procs.await("workers up", () -> pool.workerPids().size() == 2);
            List<Long> before = pool.workerPids();
            List<CompletableFuture<Long>> tasks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tasks.add(pool.submit(() -> {
                    PoolTasks.sleep(2);
                    return PoolTasks.pid();
                }));
            }
            Map<Long, Integer> perWorker = new HashMap<>();
            for (CompletableFuture<Long> t : tasks) {
                perWorker.merge(t.get(30, TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertTrue(perWorker.size() >= 8, "40 tasks, 5 per worker, ran in " + perWorker);
            perWorker.forEach((pid, n) -> assertTrue(n <= 5, pid + " ran " + n + " tasks"));
            Procs.await("two fresh workers", () -> pool.workerPids().size() == 2
                    && pool.workerPids().stream().noneMatch(before::contains));
            for (long pid : perWorker.keySet()) {
                if (!pool.workerPids().contains(pid)) {
                    Procs.awaitGone(pid);
                }
            }
        }
    }

    @Test
    void mapChunks_countAsTasks_whenRecycling() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).maxTasksPerWorker(3).build()) {
            List<Integer> inputs = IntStream.range(0, 200).boxed().toList();
            List<Long> pids = pool.map(x -> PoolTasks.pid(), inputs, 10);
            Map<Long, Long> chunksPerWorker = new HashMap<>();
            for (int i = 0; i < pids.size(); i += 10) {
                chunksPerWorker.merge(pids.get(i), 1L, Long::sum);
            }
            chunksPerWorker.forEach((pid, n) -> assertTrue(n <= 3, pid + " ran " + n + " chunks"));
            List<Integer> few = inputs.subList(0, 12);
            assertEquals(few.stream().map(x -> x * 2).toList(), pool.map(x -> x * 2, few));
            assertFalse(pool.isShutdown());
        }
    }
}
