package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The permits a process held come back when it is SIGKILLed: a waiter asleep on the semaphore
 * gets them, a bounded semaphore's count never exceeds its bound, and a kill at any moment of an
 * acquire or release loses or invents no permit.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SemaphoreHolderKilledTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void thePermitsOfAKilledHolder_wakeAWaiterHere() throws Exception {
        try (ProcessSemaphore semaphore = ProcessSemaphore.bounded(3); ProcessEvent holding = ProcessEvent.create()) {
            JvmProcess<Void> holder = JvmProcess.builder().daemon(true).start(() -> {
                semaphore.acquire(2);
                holding.set();
                Thread.sleep(600_000);
                return null;
            });
            assertTrue(holding.await(PATIENCE));
            assertEquals(1, semaphore.availablePermits());
            semaphore.acquire();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    semaphore.acquire(2);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(100);
            holder.kill();
            assertTrue(waiter.join(PATIENCE), "the waiter got the dead holder's permits");
            assertEquals(0, semaphore.availablePermits());
            semaphore.release(3);
            assertEquals(3, semaphore.availablePermits(), "all permits back, none invented");
        }
    }

    @Test
    void aHolderKilledAtAnyMoment_losesAndInventsNoPermit() throws Exception {
        int permits = 2;
        try (ProcessSemaphore semaphore = ProcessSemaphore.bounded(permits);
             SharedLongArray progress = SharedLongArray.create(1)) {
            for (int round = 0; round < 6; round++) {
                long before = progress.get(0);
                JvmProcess<Void> worker = JvmProcess.builder().daemon(true).start(() -> {
                    while (true) {
                        semaphore.acquire();
                        semaphore.acquire();
                        progress.getAndAdd(0, 1);
                        semaphore.release();
                        semaphore.release();
                    }
                });
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (progress.get(0) < before + 500 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(20));
                worker.kill();
                worker.join();
                assertTrue(semaphore.tryAcquire(permits, PATIENCE), "round " + round + ": every permit came back");
                assertEquals(0, semaphore.availablePermits());
                semaphore.release(permits);
                assertEquals(permits, semaphore.availablePermits(), "round " + round);
            }
        }
    }

    @Test
    void aSemaphoreUsedFromAChildJvm_andFromHere_countsTheSame() throws Exception {
        try (ProcessSemaphore semaphore = ProcessSemaphore.create(0)) {
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                semaphore.release(5);
                semaphore.acquire(); // takes back one
                return semaphore.availablePermits();
            });
            int seenByChild = child.result();
            assertTrue(seenByChild <= 4, "the child saw " + seenByChild);
            assertTrue(semaphore.tryAcquire(4, PATIENCE));
            assertEquals(0, semaphore.availablePermits());
        }
    }
}
