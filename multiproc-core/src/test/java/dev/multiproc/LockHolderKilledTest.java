package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lock whose holder is SIGKILLed is never held for ever (Python's is: cpython #88304): the
 * next waiter, asleep before the kill or arriving after it, in this process or another, gets it
 * and is told that the owner died.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LockHolderKilledTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A child JVM that takes the lock, says so, and sleeps holding it. */
    private static JvmProcess<Void> holder(ProcessLock lock, ProcessEvent holding) {
        return JvmProcess.builder().daemon(true).start(() -> {
            lock.lock();
            holding.set();
            Thread.sleep(600_000);
            return null;
        });
    }

    @Test
    void waitersAsleepHere_areWokenByTheHoldersDeath_andTheFirstIsToldTheOwnerDied() throws Exception {
        for (int round = 0; round < 4; round++) {
            try (ProcessLock lock = round % 2 == 0 ? ProcessLock.create() : ProcessLock.reentrant();
                 ProcessEvent holding = ProcessEvent.create()) {
                JvmProcess<Void> holder = holder(lock, holding);
                assertTrue(holding.await(PATIENCE), "the holder took the lock");
                Boolean[] toldDied = new Boolean[2];
                Thread platform = Thread.ofPlatform().start(() -> {
                    lock.lock();
                    toldDied[0] = lock.ownerDied();
                    lock.unlock();
                });
                Thread virtual = Thread.ofVirtual().start(() -> {
                    lock.lock();
                    toldDied[1] = lock.ownerDied();
                    lock.unlock();
                });
                Thread.sleep(100); // both asleep on the lock (not required: a later waiter recovers too)
                holder.kill();
                assertTrue(platform.join(PATIENCE), "round " + round + ": the platform waiter got the lock");
                assertTrue(virtual.join(PATIENCE), "round " + round + ": the virtual waiter got the lock");
                assertTrue(toldDied[0] ^ toldDied[1], "round " + round + ": exactly the first was told: "
                        + toldDied[0] + " " + toldDied[1]);
                assertEquals(-9, holder.join().returncode());
                assertFalse(lock.isLocked());
            }
        }
    }

    @Test
    void aWaiterInAnotherChildJvm_getsTheLockOfAKilledSibling() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); ProcessEvent holding = ProcessEvent.create()) {
            JvmProcess<Void> holder = holder(lock, holding);
            assertTrue(holding.await(PATIENCE));
            JvmProcess<Boolean> waiter = JvmProcess.start(() -> {
                if (!lock.tryLock(Duration.ofSeconds(60))) {
                    throw new AssertionError("the lock of a dead holder was not recovered");
                }
                boolean died = lock.ownerDied();
                lock.unlock();
                return died;
            });
            Thread.sleep(300);
            holder.kill();
            assertTrue(waiter.result(), "the sibling was told the owner died");
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void aHolderKilledAtAnyMoment_neverLeavesTheLockStuck() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); SharedLongArray progress = SharedLongArray.create(1)) {
            for (int round = 0; round < 8; round++) {
                long before = progress.get(0);
                JvmProcess<Void> worker = JvmProcess.builder().daemon(true).start(() -> {
                    while (true) {
                        lock.lock();
                        try {
                            progress.getAndAdd(0, 1);
                        } finally {
                            lock.unlock();
                        }
                    }
                });
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (progress.get(0) < before + 1000 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(20));
                worker.kill();
                worker.join();
                assertTrue(lock.tryLock(PATIENCE), "round " + round + ": the lock of a killed worker was recovered");
                lock.unlock();
            }
        }
    }

    @Test
    void aHolderThatClosesTheLock_handsItOnAsAbandoned() throws Exception {
        ProcessLock lock = ProcessLock.create();
        try {
            Boolean abandoned = JvmProcess.start(() -> {
                lock.lock();
                lock.close(); // still held: abandoned
                return true;
            }).result();
            assertTrue(abandoned);
            assertTrue(lock.tryLock(PATIENCE));
            assertTrue(lock.ownerDied());
            lock.unlock();
            AtomicBoolean again = new AtomicBoolean(lock.tryLock());
            assertTrue(again.get());
            assertFalse(lock.ownerDied(), "a normal take-over clears it");
            lock.unlock();
        } finally {
            lock.close();
        }
    }
}
