package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task over its deadline, or cancelled while it runs with {@code cancel(true)}, has its
 * worker killed and replaced; the tasks queued behind it run elsewhere. {@code cancel(false)}
 * stops only a task not started, wherever it waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolDeadlineTest {
    @TempDir
    Path dir;

    /**
     * Many tiny tasks first, so that the worker's measured pace lets it hold many jobs at
     * once: the tasks submitted next go straight into its hand, behind the one it runs.
     */
    private static void warm(ProcessPool pool) throws InterruptedException {
        pool.map(x -> x, IntStream.range(0, 2000).boxed().toList());
    }

    private static List<CompletableFuture<Long>> pidTasks(ProcessPool pool, int n) {
        List<CompletableFuture<Long>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(pool.submit(PoolTasks::pid));
        }
        return tasks;
    }

    @Test
    void aTaskOverItsTimeout_failsWithTaskTimeoutException_theTasksBehindItRunElsewhere() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (ProcessPool pool = ProcessPool.builder().workers(1).taskTimeout(timeout).build()) {
            warm(pool);
            long first = pool.submit(PoolTasks::pid).get();
            long start = System.nanoTime();
            CompletableFuture<String> slow = pool.submit(() -> {
                PoolTasks.sleep(30_000);
                return "too late";
            });
            List<CompletableFuture<Long>> behind = pidTasks(pool, 5);
            ExecutionException e = assertThrows(ExecutionException.class, () -> slow.get(20, TimeUnit.SECONDS));
            long took = System.nanoTime() - start;
            TaskTimeoutException timedOut = assertInstanceOf(TaskTimeoutException.class, e.getCause());
            assertEquals(timeout, timedOut.timeout());
            assertEquals(first, timedOut.workerPid());
            assertTrue(timedOut.getMessage().contains("PT0.5S"), timedOut.getMessage());
            assertTrue(took >= timeout.toNanos(), "failed after " + took / 1_000_000 + " ms, before its deadline");
            for (CompletableFuture<Long> f : behind) {
                assertNotEquals(first, f.get(30, TimeUnit.SECONDS), "ran on the killed worker");
            }
            Procs.awaitGone(first);
            Procs.await("a new worker", () -> pool.workerPids().size() == 1 && !pool.workerPids().contains(first));
        }
    }

    @Test
    void tasksWithinTheirTimeout_succeed() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).taskTimeout(Duration.ofSeconds(10)).build()) {
            assertEquals("rested", pool.submit(() -> {
                PoolTasks.sleep(100);
                return "rested";
            }).get());
            List<Integer> inputs = IntStream.range(0, 3000).boxed().toList();
            assertEquals(inputs, pool.map(x -> x, inputs));
            assertEquals(inputs, pool.map(x -> x, inputs, 100));
        }
    }

    @Test
    void aChunkOverTheTimeout_failsItsElements() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).taskTimeout(Duration.ofMillis(300)).build()) {
            assertThrows(TaskTimeoutException.class, () -> pool.map(x -> {
                PoolTasks.sleep(50);
                return x;
            }, IntStream.range(0, 20).boxed().toList(), 20));
            assertEquals(List.of(1), pool.map(x -> x, List.of(1)));
        }
    }

    @Test
    void cancelTrue_onARunningTask_killsItsWorker_theOthersGoOn() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            warm(pool);
            Path started = dir.resolve("started");
            String name = started.toString();
            CompletableFuture<String> running = pool.submit(() -> {
                PoolTasks.touch(name);
                PoolTasks.sleep(60_000);
                return "finished";
            });
            List<CompletableFuture<Long>> behind = pidTasks(pool, 5);
            long pid = PoolTasks.awaitPid(started, Procs.PATIENCE);
            assertTrue(running.cancel(true));
            assertTrue(running.isCancelled());
            assertThrows(CancellationException.class, running::get);
            Procs.awaitGone(pid);
            for (CompletableFuture<Long> f : behind) {
                assertNotEquals(pid, f.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void cancelFalse_onARunningTask_returnsFalse_andTheTaskFinishes() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            Path started = dir.resolve("started");
            String name = started.toString();
            CompletableFuture<String> running = pool.submit(() -> {
                PoolTasks.touch(name);
                PoolTasks.sleep(300);
                return "finished";
            });
            long pid = PoolTasks.awaitPid(started, Procs.PATIENCE);
            assertFalse(running.cancel(false));
            assertEquals("finished", running.get());
            assertTrue(pool.workerPids().contains(pid));
        }
    }

    @Test
    void cancelFalse_onATaskInThePoolsQueue_meansItNeverRuns() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            CompletableFuture<Void> first = pool.submit(() -> PoolTasks.sleep(500));
            String marker = dir.resolve("queued-ran").toString();
            CompletableFuture<Void> queued = pool.submit(() -> PoolTasks.touch(marker));
            assertTrue(queued.cancel(false));
            assertTrue(queued.isCancelled());
            first.get();
            assertEquals(7, pool.submit(() -> 7).get());
            assertFalse(Files.exists(Path.of(marker)), "a cancelled task ran");
        }
    }

    @Test
    void cancelFalse_onATaskInAWorkersHand_skipsIt_andTheAnswersStayInStep() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            warm(pool);
            Path started = dir.resolve("started");
            String startedName = started.toString();
            String marker = dir.resolve("skipped-ran").toString();
            CompletableFuture<String> running = pool.submit(() -> {
                PoolTasks.touch(startedName);
                PoolTasks.sleep(300);
                return "first";
            });
            CompletableFuture<Void> inHand = pool.submit(() -> PoolTasks.touch(marker));
            CompletableFuture<String> after = pool.submit(() -> "after");
            PoolTasks.awaitPid(started, Procs.PATIENCE);
            assertTrue(inHand.cancel(false));
            assertEquals("first", running.get());
            assertEquals("after", after.get());
            assertEquals(List.of(2, 3), pool.map(x -> x + 1, List.of(1, 2)));
            assertFalse(Files.exists(Path.of(marker)), "a cancelled task ran");
        }
    }

    @Test
    void cancel_ofADoneTask_returnsFalse() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            CompletableFuture<Integer> done = pool.submit(() -> 1);
            assertEquals(1, done.get());
            assertFalse(done.cancel(true));
            assertFalse(done.isCancelled());
        }
    }
}
