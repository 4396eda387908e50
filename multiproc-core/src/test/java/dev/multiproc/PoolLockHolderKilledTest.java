package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool worker SIGKILLed while it holds a lock that reached it by {@code SCM_RIGHTS}: the next
 * acquirer, another worker of the pool or this JVM, gets the lock and is told the owner died.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PoolLockHolderKilledTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A task that takes the lock, says so with its pid, and sleeps holding it. */
    private static CompletableFuture<Object> holder(ProcessPool pool, ProcessLock lock, ProcessEvent holding,
                                                  SharedLongArray pid) {
        return pool.submit(() -> {
            lock.lock();
            pid.set(0, ProcessHandle.current().pid());
            holding.set();
            Thread.sleep(600_000);
            return null;
        });
    }

    @Test
    void theNextAcquirer_anotherWorkerOrThisJvm_isToldTheOwnerDied() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            for (int round = 0; round < 6; round++) {
                boolean parentNext = round % 2 == 0;
                try (ProcessLock lock = ProcessLock.create();
                     ProcessEvent holding = ProcessEvent.create();
                     SharedLongArray pid = SharedLongArray.create(1)) {
                    CompletableFuture<Object> held = holder(pool, lock, holding, pid);
                    assertTrue(holding.await(PATIENCE), "round " + round + ": a worker took the lock");
                    CompletableFuture<Boolean> next = parentNext ? null : pool.submit(() -> {
                        lock.lock();
                        try {
                            return lock.ownerDied();
                        } finally {
                            lock.unlock();
                        }
                    });
                    ProcessHandle.of(pid.get(0)).orElseThrow().destroyForcibly();
                    ExecutionException died = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                            () -> held.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
                    assertInstanceOf(WorkerDiedException.class, died.getCause());
                    if (parentNext) {
                        assertTrue(lock.tryLock(PATIENCE), "round " + round + ": this JVM got the lock");
                        assertTrue(lock.ownerDied(), "round " + round + ": this JVM was told the owner died");
                        lock.unlock();
                    } else {
                        assertTrue(next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS),
                                "round " + round + ": the other worker was told the owner died");
                    }
                    assertFalse(lock.isLocked());
                    assertEquals(0, pool.submit(() -> 0).get(PATIENCE.toSeconds(), TimeUnit.SECONDS),
                            "the pool serves on");
                }
            }
        }
    }
}
