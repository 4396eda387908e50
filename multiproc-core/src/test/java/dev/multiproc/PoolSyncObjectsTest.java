package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The synchronization objects used from a pool's running workers (their fds arriving over the
 * worker's socket) together with this JVM: an event, a semaphore, a barrier and a condition.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoolSyncObjectsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("sync-objects").workers(3).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void anEventSetInAWorker_isSeenHere_andOneSetHere_inTheWorker() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (ProcessEvent ping = ProcessEvent.create(); ProcessEvent pong = ProcessEvent.create()) {
                CompletableFuture<Boolean> worker = pool.submit(() -> {
                    ping.set();
                    return pong.await(PATIENCE);
                });
                assertTrue(ping.await(PATIENCE), "round " + round + ": the worker's set was seen here");
                pong.set();
                assertTrue(worker.get(), "round " + round + ": this JVM's set was seen in the worker");
            }
        }
    }

    @Test
    void aBoundedSemaphore_holdsWorkersAndThisJvmToItsPermits() throws Exception {
        try (ProcessSemaphore permits = ProcessSemaphore.bounded(2); SharedIntArray inside = SharedIntArray.create(2)) {
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        permits.acquire();
                        try {
                            int now = inside.addAndGet(0, 1);
                            inside.getAndAdd(1, now > 2 ? 1 : 0);
                            inside.getAndAdd(0, -1);
                        } finally {
                            permits.release();
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 200; i++) {
                permits.acquire();
                int now = inside.addAndGet(0, 1);
                inside.getAndAdd(1, now > 2 ? 1 : 0);
                inside.getAndAdd(0, -1);
                permits.release();
            }
            for (CompletableFuture<Void> w : workers) {
                w.get();
            }
            assertEquals(0, inside.get(1), "times more than two held a permit at once");
            assertEquals(2, permits.availablePermits());
        }
    }

    @Test
    void aBarrier_releasesThreeWorkersAndThisJvm_together() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (ProcessBarrier barrier = ProcessBarrier.create(4); SharedIntArray arrived = SharedIntArray.create(1)) {
                List<CompletableFuture<Integer>> workers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    workers.add(pool.submit(() -> {
                        arrived.getAndAdd(0, 1);
                        barrier.await(PATIENCE);
                        return arrived.get(0);
                    }));
                }
                barrier.await(PATIENCE);
                for (CompletableFuture<Integer> w : workers) {
                    assertEquals(3, w.get(), "round " + round + ": a worker passed before all had arrived");
                }
            }
        }
    }

    @Test
    void aConditionSignalledHere_wakesAWorkerWaitingOnIt() throws Exception {
        try (ProcessLock lock = ProcessLock.reentrant(); ProcessCondition ready = lock.newCondition();
             SharedIntArray flag = SharedIntArray.create(1); ProcessEvent waiting = ProcessEvent.create()) {
            CompletableFuture<Integer> worker = pool.submit(() -> {
                lock.lock();
                try {
                    waiting.set();
                    while (flag.get(0) == 0) {
                        if (!ready.await(PATIENCE)) {
                            return -1;
                        }
                    }
                    return flag.get(0);
                } finally {
                    lock.unlock();
                }
            });
            assertTrue(waiting.await(PATIENCE));
            lock.lock();
            try {
                flag.set(0, 42);
                ready.signalAll();
            } finally {
                lock.unlock();
            }
            assertEquals(42, worker.get());
        }
    }
}
