package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shutdown} finishes queued work, {@code shutdownNow} returns what had not started and
 * kills what runs, {@code close} waits; no worker outlives its pool.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolShutdownTest {
    @TempDir
    Path dir;

    @Test
    void shutdown_finishesQueuedWork_thenTheWorkersEnd() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(2).build();
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int k = i;
            tasks.add(pool.submit(() -> {
                PoolTasks.sleep(10);
                return k;
            }));
        }
        Procs.await("workers up", () -> pool.workerPids().size() == 2);
        List<Long> pids = pool.workerPids();
        pool.shutdown();
        assertTrue(pool.isShutdown());
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(pool.isTerminated());
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i, tasks.get(i).getNow(-1));
        }
        for (long pid : pids) {
            assertFalse(ProcessEntry.isRunning(pid), "worker " + pid + " outlived its pool");
        }
        assertTrue(pool.workerPids().isEmpty());
    }

    @Test
    void close_waitsForQueuedWork() throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        ProcessPool pool = ProcessPool.builder().workers(2).build();
        try (pool) {
            for (int i = 0; i < 10; i++) {
                int k = i;
                tasks.add(pool.submit(() -> {
                    PoolTasks.sleep(50);
                    return k;
                }));
            }
        }
        assertTrue(pool.isTerminated());
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i, tasks.get(i).getNow(-1));
        }
        pool.close(); // again: nothing to do
    }

    @Test
    void shutdownNow_returnsTheUnstartedTasks_andKillsTheRunningOne() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(1).build();
        Path started = dir.resolve("started");
        String startedName = started.toString();
        CompletableFuture<String> running = pool.submit(() -> {
            PoolTasks.touch(startedName);
            PoolTasks.sleep(60_000);
            return "finished";
        });
        long pid = PoolTasks.awaitPid(started, Procs.PATIENCE);
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String marker = dir.resolve("queued-" + i).toString();
            queued.add(pool.submit(() -> PoolTasks.touch(marker)));
        }
        String executed = dir.resolve("executed").toString();
        Runnable command = (Runnable & Serializable) () -> PoolTasks.touch(executed);
        pool.execute(command);

        List<Runnable> unstarted = pool.shutdownNow();
        assertEquals(5, unstarted.size(), unstarted.toString());
        assertTrue(unstarted.stream().anyMatch(r -> r == command), "execute's Runnable itself is returned");
        assertTrue(running.isCancelled());
        for (CompletableFuture<Void> q : queued) {
            assertThrows(CancellationException.class, q::join);
        }
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
        assertFalse(ProcessEntry.isRunning(pid));
        for (int i = 0; i < 4; i++) {
            assertFalse(Files.exists(dir.resolve("queued-" + i)));
        }
        assertFalse(Files.exists(Path.of(executed)));

        Runnable again = unstarted.stream().filter(r -> r != command).findFirst().orElseThrow();
        again.run(); // a returned task runs here if asked to
        assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith("queued-")));
    }

    @Test
    void shutdownNow_failsAMapInProgress_withCancellation() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(1).build();
        CompletableFuture<List<Integer>> map = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.map(x -> {
                    PoolTasks.sleep(20);
                    return x;
                }, IntStream.range(0, 1000).boxed().toList());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        pool.shutdownNow();
        assertThrows(CancellationException.class, () -> {
            try {
                map.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    }

    @Test
    void awaitTermination_ofARunningPool_timesOut() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            assertFalse(pool.awaitTermination(100, TimeUnit.MILLISECONDS));
            assertFalse(pool.isShutdown());
            assertSame(pool.name(), pool.name());
        }
    }
}
