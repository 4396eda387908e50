package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies fails the task it was running and nothing else: the other tasks
 * succeed, and the pool keeps its number of workers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolCrashTest {
    private static final int WORKERS = 2;

    @TempDir
    Path dir;

    /** 100 tasks that take a little time each, so that they run while the victim dies. */
    private static List<CompletableFuture<Integer>> hundredTasks(ProcessPool pool) {
        List<CompletableFuture<Integer>> others = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int k = i;
            others.add(pool.submit(() -> {
                PoolTasks.sleep(5);
                return k;
            }));
        }
        return others;
    }

    /** Checks that every other task succeeded and that the pool is back to its size, serving. */
    private static void othersSucceededAndPoolServes(ProcessPool pool, List<CompletableFuture<Integer>> others,
                                                     long deadPid) throws Exception {
        for (int i = 0; i < others.size(); i++) {
            assertEquals(i, others.get(i).get(30, TimeUnit.SECONDS), "task " + i);
        }
        Procs.await("the pool has " + WORKERS + " workers again, none of them " + deadPid,
                () -> pool.workerPids().size() == WORKERS && !pool.workerPids().contains(deadPid));
        assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
    }

    @Test
    void sigkill_midTask_failsThatTaskOnly() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).build()) {
            Path pidFile = dir.resolve("victim");
            String name = pidFile.toString();
            CompletableFuture<String> victim = pool.submit(() -> {
                PoolTasks.touch(name);
                PoolTasks.sleep(60_000);
                return "survived";
            });
            List<CompletableFuture<Integer>> others = hundredTasks(pool);
            long pid = PoolTasks.awaitPid(pidFile, Procs.PATIENCE);
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());

            ExecutionException e = assertThrows(ExecutionException.class, () -> victim.get(30, TimeUnit.SECONDS));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), died.exitStatus().orElseThrow());
            assertEquals(pid, died.workerPid());
            assertTrue(died.getMessage().contains(Long.toString(pid)), died.getMessage());
            othersSucceededAndPoolServes(pool, others, pid);
        }
    }

    @Test
    void systemExit_inATask_failsThatTaskOnly() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).build()) {
            List<CompletableFuture<Integer>> others = hundredTasks(pool);
            CompletableFuture<Long> victim = pool.submit(() -> {
                PoolTasks.sleep(20);
                System.err.println("goodbye from the task");
                System.exit(7);
                return 0L;
            });
            List<CompletableFuture<Integer>> more = hundredTasks(pool);
            ExecutionException e = assertThrows(ExecutionException.class, () -> victim.get(30, TimeUnit.SECONDS));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertEquals(ExitStatus.exited(7), died.exitStatus().orElseThrow());
            assertTrue(died.stderrTail().contains("goodbye from the task"), died.stderrTail());
            others.addAll(more.stream().map(f -> f.thenApply(x -> x + 100)).toList());
            othersSucceededAndPoolServes(pool, others, died.workerPid());
        }
    }

    @Test
    void outOfMemory_inATask_failsThatTaskOnly_withTheErrorInTheStderrTail() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).jvmOptions("-Xmx48m").build()) {
            List<CompletableFuture<Integer>> others = hundredTasks(pool);
            CompletableFuture<Integer> victim = pool.submit(PoolTasks::exhaustMemory);
            ExecutionException e = assertThrows(ExecutionException.class, () -> victim.get(60, TimeUnit.SECONDS));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertEquals(ExitStatus.exited(3), died.exitStatus().orElseThrow());
            assertTrue(died.stderrTail().contains("java.lang.OutOfMemoryError"), died.stderrTail());
            othersSucceededAndPoolServes(pool, others, died.workerPid());
        }
    }

    @Test
    void aWorkerKilledWhileIdle_isReplaced_andNoTaskFails() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).build()) {
            assertEquals(1, pool.submit(() -> 1).get());
            Procs.await("workers up", () -> pool.workerPids().size() == WORKERS);
            long pid = pool.workerPids().getFirst();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Procs.await("worker " + pid + " replaced",
                    () -> pool.workerPids().size() == WORKERS && !pool.workerPids().contains(pid));
            List<CompletableFuture<Integer>> tasks = hundredTasks(pool);
            for (int i = 0; i < tasks.size(); i++) {
                assertEquals(i, tasks.get(i).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aMapElementThatKillsItsWorker_failsThatElementOnly() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).build()) {
            List<Integer> inputs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                inputs.add(i);
            }
            WorkerDiedException died = assertThrows(WorkerDiedException.class, () -> pool.map(x -> {
                if (x == 150) {
                    Runtime.getRuntime().halt(9);
                }
                return x;
            }, inputs));
            assertEquals(ExitStatus.exited(9), died.exitStatus().orElseThrow());
            List<Integer> ok = new ArrayList<>();
            try (var s = pool.mapUnordered(x -> {
                if (x == 150) {
                    Runtime.getRuntime().halt(9);
                }
                return x;
            }, inputs)) {
                assertThrows(WorkerDiedException.class, () -> s.iterator().forEachRemaining(ok::add));
            }
            assertFalse(ok.contains(150));
        }
    }
}
