package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ProcessLock excludes threads of one process and of several: increments under it are never
 * lost, from platform and virtual threads, in this JVM and in a child JVM at the same time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessLockTest {
    @Test
    void threadsOfThisProcess_neverOverlap_platformAndVirtual() throws Exception {
        for (boolean reentrant : new boolean[] {false, true}) {
            try (ProcessLock lock = reentrant ? ProcessLock.reentrant() : ProcessLock.create();
                 SharedLongArray counter = SharedLongArray.create(2)) {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    Runnable work = () -> {
                        for (int i = 0; i < 2_000; i++) {
                            lock.lock();
                            try {
                                // a non-atomic read-modify-write: only the lock keeps it whole
                                long v = counter.get(0);
                                counter.set(1, counter.get(1) + 1);
                                counter.set(0, v + 1);
                            } finally {
                                lock.unlock();
                            }
                        }
                    };
                    threads.add(t % 2 == 0 ? Thread.ofVirtual().start(work) : Thread.ofPlatform().start(work));
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertEquals(16_000, counter.get(0));
                assertEquals(16_000, counter.get(1));
                assertFalse(lock.isLocked());
            }
        }
    }

    @Test
    void aChildJvmAndThisOne_excludeEachOther() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); SharedLongArray counter = SharedLongArray.create(1)) {
            int n = 20_000;
            JvmProcess<Long> child = JvmProcess.start(() -> {
                for (int i = 0; i < n; i++) {
                    lock.lock();
                    try {
                        counter.set(0, counter.get(0) + 1);
                    } finally {
                        lock.unlock();
                    }
                }
                return counter.get(0);
            });
            for (int i = 0; i < n; i++) {
                lock.lock();
                try {
                    counter.set(0, counter.get(0) + 1);
                } finally {
                    lock.unlock();
                }
            }
            child.result();
            assertEquals(2L * n, counter.get(0));
            assertFalse(lock.ownerDied());
        }
    }

    @Test
    void aNonReentrantLock_isAProcesss_anyThreadOfItMayUnlock_anotherProcessMayNot() throws Exception {
        try (ProcessLock lock = ProcessLock.create()) {
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
            lock.lock();
            Thread.ofPlatform().start(lock::unlock).join();
            assertFalse(lock.isLocked(), "any thread of the holding process may unlock it, as in Python");
            lock.lock();
            Boolean refused = JvmProcess.start(() -> {
                try {
                    lock.unlock();
                    return false;
                } catch (IllegalMonitorStateException e) {
                    return true;
                }
            }).result();
            assertTrue(refused, "a process that does not hold it may not unlock it");
            assertTrue(lock.isLocked());
            lock.unlock();
        }
    }

    @Test
    void aReentrantLock_isAThreads() throws Exception {
        try (ProcessLock lock = ProcessLock.reentrant()) {
            lock.lock();
            lock.lock();
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread.ofPlatform().start(() -> {
                try {
                    lock.unlock();
                } catch (Throwable t) {
                    other.set(t);
                }
                other.compareAndSet(null, new AssertionError("unlocked"));
                if (lock.tryLock()) {
                    other.set(new AssertionError("another thread got a held lock"));
                }
            }).join();
            assertTrue(other.get() instanceof IllegalMonitorStateException, String.valueOf(other.get()));
            lock.unlock();
            assertTrue(lock.isLocked(), "held twice, unlocked once");
            lock.unlock();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void timeoutsAndInterrupts_endAWait() throws Exception {
        try (ProcessLock lock = ProcessLock.create()) {
            lock.lock();
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(lock.tryLock(Duration.ofMillis(30)));
                    waiting.countDown();
                    lock.lockInterruptibly();
                    outcome.set("locked");
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            assertTrue(waiting.await(20, TimeUnit.SECONDS));
            Thread.sleep(20);
            waiter.interrupt();
            waiter.join();
            assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
            assertFalse(lock.tryLock(0, TimeUnit.SECONDS));
            lock.unlock();
            assertTrue(lock.tryLock(0, TimeUnit.SECONDS));
            lock.unlock();
        }
    }

    @Test
    void aCondition_wakesAWaiterInAChildJvm() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); ProcessCondition ready = lock.newCondition();
             SharedIntArray state = SharedIntArray.create(1)) {
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                lock.lock();
                try {
                    state.set(0, 1);
                    ready.signalAll();
                    while (state.get(0) != 2) {
                        ready.await();
                    }
                    return state.get(0);
                } finally {
                    lock.unlock();
                }
            });
            lock.lock();
            try {
                while (state.get(0) != 1) {
                    ready.await();
                }
                state.set(0, 2);
                ready.signalAll();
            } finally {
                lock.unlock();
            }
            assertEquals(2, child.result());
        }
    }
}
