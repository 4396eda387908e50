package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.CarriedPipeEnd;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handles that a pool task captures reach the worker that runs it, which already runs: their fds
 * go over the worker's Unix socket before the task's frame, and the task uses them there.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoolCarriedFdsTest {
    @Test
    void aSharedArray_isSummedByEveryWorker_acrossHundredsOfTasks_withNoLostIncrement() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(3).build();
             SharedLongArray sum = SharedLongArray.create(2)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    sum.getAndAdd(0, n);
                    sum.getAndAdd(1, 1);
                    return ProcessHandle.current().pid();
                }));
            }
            long pids = futures.stream().map(CompletableFuture::join).distinct().count();
            assertEquals(IntStream.range(0, 600).asLongStream().sum(), sum.get(0));
            assertEquals(600, sum.get(1));
            assertTrue(pids >= 1, "ran in workers: " + pids);
        }
    }

    @Test
    void aMapFunction_thatCapturesASharedArray_addsFromEveryWorker() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build();
             SharedLongArray sum = SharedLongArray.create(1)) {
            List<Integer> inputs = IntStream.range(0, 500).boxed().toList();
            List<Long> out = pool.map(x -> sum.addAndGet(0, x), inputs);
            assertEquals(500, out.size());
            assertEquals(IntStream.range(0, 500).asLongStream().sum(), sum.get(0));
            List<Long> chunked = pool.map(x -> sum.addAndGet(0, x), inputs, 50);
            assertEquals(500, chunked.size());
            assertEquals(2 * IntStream.range(0, 500).asLongStream().sum(), sum.get(0));
        }
    }

    @Test
    void aPipeEnd_givenToAPoolTask_reachesTheWorker_andEndOfFileComesOnceTheTaskIsDone() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            for (int round = 0; round < 20; round++) {
                int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
                try (FileInputStream in = new FileInputStream("/proc/self/fd/" + pipe[0])) {
                    CarriedPipeEnd end = new CarriedPipeEnd(pipe[1]);
                    String text = "round " + round;
                    assertEquals(0, pool.submit(() -> {
                        end.write(text);
                        Fds.close(end.fd()); // the task closes its end: the worker keeps nothing
                        return 0;
                    }).get());
                    // ends only at end of file: no copy of the write end stays open here or there
                    assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } finally {
                    Fds.closeQuietly(pipe[0]);
                }
            }
        }
    }

    @Test
    void aProcessLock_isTakenInWorkersAndByTheParent() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(3).build();
             ProcessLock lock = ProcessLock.create();
             SharedLongArray counter = SharedLongArray.create(1)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(() -> {
                    lock.lock();
                    try {
                        long v = counter.get(0); // a read-modify-write that only the lock makes safe
                        Thread.onSpinWait();
                        counter.set(0, v + 1);
                    } finally {
                        lock.unlock();
                    }
                }));
                if (i % 10 == 0) {
                    lock.lock();
                    try {
                        long v = counter.get(0);
                        counter.set(0, v + 1);
                    } finally {
                        lock.unlock();
                    }
                }
            }
            futures.forEach(CompletableFuture::join);
            assertEquals(220, counter.get(0));
            assertFalse(lock.isLocked());
        }
    }
}
