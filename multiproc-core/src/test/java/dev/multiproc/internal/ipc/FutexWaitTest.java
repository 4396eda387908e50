package dev.multiproc.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiting on a shared word: platform threads in the kernel (interruptible too), virtual threads
 * without holding a carrier, callbacks; no wake lost between a last look and the sleep.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FutexWaitTest {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    @Test
    void platformAndVirtualWaiters_areWokenByAStoreAndAWake_inALoop() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            for (int round = 0; round < 300; round++) {
                INT.setVolatile(word, 0L, 0);
                boolean virtual = round % 2 == 1;
                boolean interruptible = round % 3 == 0;
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread waiter = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                    try {
                        while ((int) INT.getVolatile(word, 0L) == 0) {
                            FutexWait.await(word, 0, -1, interruptible);
                        }
                    } catch (Throwable t) {
                        failed.set(t);
                    }
                });
                if (round % 5 == 0) {
                    Thread.sleep(1);
                }
                INT.setVolatile(word, 0L, 1);
                FutexWait.wake(word, Integer.MAX_VALUE);
                assertTrue(waiter.join(java.time.Duration.ofSeconds(20)), "round " + round + ": not woken");
                assertEquals(null, failed.get());
            }
        }
    }

    @Test
    void aSecondWord_wakesTheSleeperToo() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            MemorySegment other = segment.memory().asSlice(64, 4);
            for (boolean virtual : new boolean[] {false, true}) {
                CountDownLatch back = new CountDownLatch(1);
                (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                    try {
                        FutexWait.await(word, 0, other, (int) INT.getVolatile(other, 0L), -1, false);
                        back.countDown();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                Thread.sleep(50);
                INT.getAndAdd(other, 0L, 1);
                FutexWait.wake(other, Integer.MAX_VALUE);
                assertTrue(back.await(20, TimeUnit.SECONDS), virtual ? "virtual" : "platform");
            }
        }
    }

    @Test
    void aPlatformThreadAsleepInTheKernel_seesAnInterrupt_evenOneBeforeItSleeps() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            for (int round = 0; round < 100; round++) {
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Thread sleeper = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        FutexWait.await(word, 0, -1, true);
                        outcome.set(new AssertionError("returned without an interrupt"));
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                started.await();
                if (round % 2 == 0) {
                    Thread.sleep(2);
                }
                sleeper.interrupt();
                assertTrue(sleeper.join(java.time.Duration.ofSeconds(20)), "round " + round + ": the interrupt was lost");
                assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
            }
        }
    }

    @Test
    void aTimeout_ends_andAnUninterruptibleWait_keepsTheInterruptForLater() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            assertFalse(FutexWait.await(word, 0, 20_000_000L, true));
            assertTrue(FutexWait.await(word, 5, -1, true), "a word that does not hold the value: at once");
            AtomicReference<Boolean> kept = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    FutexWait.await(word, 0, 30_000_000L, false);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                kept.set(Thread.currentThread().isInterrupted());
            }).join();
            assertEquals(Boolean.TRUE, kept.get());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> FutexWait.await(word, 0, -1, true));
        }
    }

    @Test
    void moreWaitingVirtualThreadsThanCarriers_allWaitAndAllAreWoken() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        int count = carriers * 50;
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            AtomicInteger asleep = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    asleep.incrementAndGet();
                    try {
                        while ((int) INT.getVolatile(word, 0L) == 0) {
                            FutexWait.await(word, 0, -1, false);
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    done.incrementAndGet();
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (asleep.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(count, asleep.get(), "the waiters hold no carrier: all of them got to run");
            // a virtual thread still runs while the others wait: no carrier is held
            assertTrue(Thread.ofVirtual().start(() -> { }).join(java.time.Duration.ofSeconds(10)));
            INT.setVolatile(word, 0L, 1);
            FutexWait.wake(word, Integer.MAX_VALUE);
            for (Thread t : threads) {
                assertTrue(t.join(java.time.Duration.ofSeconds(20)));
            }
            assertEquals(count, done.get());
        }
    }

    @Test
    void aCallback_runsOnceWhenTheWordChanges_andNotAfterItIsCancelled() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            CountDownLatch called = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            FutexWait.whenChanged(word, 0, () -> {
                calls.incrementAndGet();
                called.countDown();
            });
            AtomicInteger cancelledCalls = new AtomicInteger();
            FutexWait.whenChanged(word, 0, cancelledCalls::incrementAndGet).cancel();
            Thread.sleep(20);
            assertEquals(0, calls.get());
            INT.setVolatile(word, 0L, 1);
            FutexWait.wake(word, Integer.MAX_VALUE);
            assertTrue(called.await(20, TimeUnit.SECONDS));
            Thread.sleep(20);
            assertEquals(1, calls.get());
            assertEquals(0, cancelledCalls.get());
        }
    }

    @Test
    void anInterruptAtAnyMoment_endsTheSleep_ofPlatformAndVirtualThreads_onOneWordOrTwo() throws Exception {
        try (SharedSegment segment = SharedSegment.create("futex-test", 4096)) {
            MemorySegment word = segment.memory().asSlice(0, 4);
            MemorySegment word2 = segment.memory().asSlice(64, 4);
            java.util.Random random = new java.util.Random(12);
            for (int round = 0; round < 600; round++) {
                boolean two = round % 2 == 1;
                boolean virtual = round % 3 == 2;
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Runnable sleep = () -> {
                    started.countDown();
                    try {
                        while (true) { // as every caller does: a return may be spurious (another interrupt's wake of the word)
                            if (two) {
                                FutexWait.await(word, 0, word2, 0, -1, true);
                            } else {
                                FutexWait.await(word, 0, -1, true);
                            }
                        }
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                };
                Thread sleeper = virtual ? Thread.ofVirtual().start(sleep) : Thread.ofPlatform().start(sleep);
                started.await();
                long until = System.nanoTime() + random.nextInt(40_000); // anywhere around the entry into the kernel
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                sleeper.interrupt();
                assertTrue(sleeper.join(java.time.Duration.ofSeconds(20)), "round " + round + ": the interrupt was lost");
                assertTrue(outcome.get() instanceof InterruptedException, "round " + round + ": " + outcome.get());
            }
        }
    }
}
