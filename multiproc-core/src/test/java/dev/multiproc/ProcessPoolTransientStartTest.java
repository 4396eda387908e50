package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed by a signal while it starts is a transient fault: the pool starts another
 * and goes on, whether the pool is fresh (no worker was ever ready) or warm (its workers
 * killed again and again as they come up). Only a start failure that would repeat breaks a
 * pool (see {@code ProcessPoolBadInputTest}).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProcessPoolTransientStartTest {
    private static final long PATIENCE_SECONDS = Procs.PATIENCE.toSeconds();

    @TempDir
    Path dir;

    private static void hundredTasksSucceed(ProcessPool pool) throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int k = i;
            tasks.add(pool.submit(() -> k * 3));
        }
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i * 3, tasks.get(i).get(2 * PATIENCE_SECONDS, TimeUnit.SECONDS), "task " + i);
        }
        assertFalse(pool.isShutdown());
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void aWorkerKilledAsAFreshPoolStarts_isReplaced() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
                kill(pool.workerPids().getFirst()); // its JVM is still starting
                hundredTasksSucceed(pool);
            }
        }
    }

    @Test
    void aWorkerKilledInItsInitializer_inAFreshPool_isReplaced() throws Exception {
        String marks = dir.toString();
        for (int round = 0; round < 3; round++) {
            try (ProcessPool pool = ProcessPool.builder().workers(2).initializer(() -> {
                PoolTasks.touch(marks + "/init-" + PoolTasks.pid());
                PoolTasks.sleep(1000);
                return null;
            }).build()) {
                long victim = pool.workerPids().getFirst();
                Procs.await("worker " + victim + " runs its initializer",
                        () -> Files.exists(Path.of(marks, "init-" + victim)));
                kill(victim);
                hundredTasksSucceed(pool);
            }
        }
    }

    @Test
    void allWorkersKilled_threeSweepsAsTheyComeUp_thePoolRecovers() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            hundredTasksSucceed(pool);
            Set<Long> killed = new HashSet<>();
            for (int sweep = 0; sweep < 3; sweep++) {
                Procs.await("workers not killed yet", () -> !pool.workerPids().isEmpty()
                        && pool.workerPids().stream().noneMatch(killed::contains));
                for (long pid : pool.workerPids()) {
                    killed.add(pid);
                    kill(pid);
                }
            }
            hundredTasksSucceed(pool);
            Procs.await("two workers again", () -> pool.workerPids().size() == 2);
        }
    }
}
