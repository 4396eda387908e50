package dev.multiproc.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.io.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a queue's threads sleep and wake: no wake-up lost in thousands of hand-overs between
 * platform and virtual threads; no wake-up call while nobody sleeps; a timed take that returns
 * by its deadline whatever holds the queue up; sleeping virtual threads that hold no carrier.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueWakeUpTest {
    /** Far longer than any hand-over takes: a take that reaches it lost a wake-up. */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** How late a timed take may return without being called late, on a loaded machine. */
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(boolean virtual, Body body, AtomicReference<Throwable> failure) {
        Runnable task = () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
        return virtual ? Thread.ofVirtual().start(task) : Thread.ofPlatform().start(task);
    }

    private static Object takeInTime(QueueCore queue) throws InterruptedException {
        Object message = queue.take(System.nanoTime() + PATIENCE_NANOS);
        assertNotSame(QueueCore.NOTHING, message, "a take waited " + PATIENCE_NANOS / 1_000_000_000L
                + " s for a message put long before: a wake-up was lost");
        return message;
    }

    private static void pingPong(boolean pingVirtual, boolean pongVirtual, int rounds) throws Exception {
        try (Closing there = new Closing(QueueCore.create(1, 64)); Closing back = new Closing(QueueCore.create(1, 64))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread pong = start(pongVirtual, () -> {
                for (int i = 0; i < rounds; i++) {
                    Object message = takeInTime(there.queue);
                    back.queue.put(message, Waker.NO_DEADLINE);
                }
            }, failure);
            Thread ping = start(pingVirtual, () -> {
                for (int i = 0; i < rounds; i++) {
                    there.queue.put(i, Waker.NO_DEADLINE);
                    assertEquals(i, takeInTime(back.queue));
                }
            }, failure);
            ping.join();
            pong.join();
            if (failure.get() != null) {
                throw new AssertionError("ping " + (pingVirtual ? "virtual" : "platform") + ", pong "
                        + (pongVirtual ? "virtual" : "platform"), failure.get());
            }
        }
    }

    private record Closing(QueueCore queue) implements AutoCloseable {
        @Override
        public void close() {
            queue.close();
        }
    }

    @Test
    void handOvers_betweenPlatformAndVirtualThreads_loseNoWakeUp() throws Exception {
        pingPong(false, false, 2_000);
        pingPong(true, true, 2_000);
        pingPong(false, true, 1_000);
        pingPong(true, false, 1_000);
    }

    @Test
    void manyTakersAsleep_eachBurstOfMessages_reachesThemAll() throws Exception {
        try (Closing q = new Closing(QueueCore.create(64, 64))) {
            for (int round = 0; round < 300; round++) {
                int takers = 2 + round % 4;
                AtomicReference<Throwable> failure = new AtomicReference<>();
                ConcurrentHashMap<Object, Boolean> seen = new ConcurrentHashMap<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < takers; t++) {
                    threads.add(start(t % 2 == 0, () -> seen.put(takeInTime(q.queue), true), failure));
                }
                if (round % 3 == 0) {
                    Thread.sleep(1); // now and then, let them fall asleep first
                }
                for (int m = 0; m < takers; m++) {
                    q.queue.put(round * 10 + m, Waker.NO_DEADLINE);
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError("round " + round, failure.get());
                }
                assertEquals(takers, seen.size(), "round " + round + ": each message to one taker");
            }
        }
    }

    @Test
    void noWakeUpCall_whileNobodySleeps_andOneForASleeper() throws Exception {
        try (Closing q = new Closing(QueueCore.create(2_000, 64))) {
            for (int i = 0; i < 1_000; i++) {
                q.queue.put(i, Waker.NO_DEADLINE);
            }
            for (int i = 0; i < 1_000; i++) {
                assertEquals(i, q.queue.take(Waker.NO_DEADLINE));
            }
            assertEquals(0, q.queue.wakeCalls(), "producers and takers that never sleep make no wake-up call");

            for (int round = 0; round < 100; round++) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicReference<Object> got = new AtomicReference<>();
                Thread taker = start(round % 2 == 0, () -> got.set(takeInTime(q.queue)), failure);
                long giveUp = System.nanoTime() + PATIENCE_NANOS;
                while (q.queue.takersWaiting() == 0) {
                    assertTrue(System.nanoTime() - giveUp < 0, "the taker never came to wait");
                    Thread.onSpinWait();
                }
                long before = q.queue.wakeCalls();
                q.queue.put("m" + round, Waker.NO_DEADLINE);
                taker.join();
                if (failure.get() != null) {
                    throw new AssertionError("round " + round, failure.get());
                }
                assertEquals("m" + round, got.get());
                assertEquals(before + 1, q.queue.wakeCalls(), "one wake-up call for one waiting taker");
            }
        }
    }

    private static void assertInTime(long deadline, long returned) {
        assertTrue(returned - deadline >= 0, "returned before its deadline");
        assertTrue(returned - deadline < SLACK_NANOS, "returned " + (returned - deadline) / 1_000_000
                + " ms after its deadline");
    }

    @Test
    void aTimedTake_isNeverLate_behindARecordBeingWritten_orAHeldLock() throws Exception {
        try (Closing q = new Closing(QueueCore.create(8, 1024))) {
            Ring ring = q.queue.ring();
            int token = q.queue.token();
            // a record claimed and not committed: a producer in the middle of its copy
            Payload payload = Payload.of("written slowly");
            assertTrue(ring.tryLock(Ring.TAIL_LOCK, token));
            long at = ring.claim(token, payload.length());
            ring.unlock(Ring.TAIL_LOCK, token);
            for (int i = 0; i < 20; i++) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 + i);
                assertSame(QueueCore.NOTHING, q.queue.take(deadline));
                assertInTime(deadline, System.nanoTime());
            }
            payload.writeTo(ring.payload(at, payload.length()));
            assertTrue(ring.commit(at, token));
            assertEquals("written slowly", q.queue.take(Waker.NO_DEADLINE), "the record, once committed");
        }
    }

    @Test
    void aTimedTake_isNeverLate_whileTheReadLockIsHeld_platformOrVirtual() throws Exception {
        try (Closing q = new Closing(QueueCore.create(8, 1024))) {
            Ring ring = q.queue.ring();
            int token = q.queue.token();
            q.queue.put("there", Waker.NO_DEADLINE);
            assertTrue(ring.tryLock(Ring.READ_LOCK, token)); // a taker between its few stores
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 40; t++) {
                int n = t;
                threads.add(start(t % 2 == 1, () -> {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20 + n);
                    assertSame(QueueCore.NOTHING, q.queue.take(deadline));
                    assertInTime(deadline, System.nanoTime());
                }, failure));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (ring.unlock(Ring.READ_LOCK, token)) {
                dev.multiproc.internal.ipc.FutexWait.wake(q.queue.lockWord(Ring.READ_LOCK), Integer.MAX_VALUE);
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals("there", q.queue.take(Waker.NO_DEADLINE));
        }
    }

    @Test
    void virtualThreadsAsleepInTakeOrPut_holdNoCarrier() throws Exception {
        int many = 16 * Runtime.getRuntime().availableProcessors() + 16;
        try (Closing empty = new Closing(QueueCore.create(many, 64)); Closing full = new Closing(QueueCore.create(1, 64))) {
            full.queue.put("first", Waker.NO_DEADLINE);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < many; i++) {
                int n = i;
                threads.add(start(true, () -> takeInTime(empty.queue), failure));
                threads.add(start(true, () -> full.queue.put(n, Waker.NO_DEADLINE), failure));
            }
            long giveUp = System.nanoTime() + PATIENCE_NANOS;
            while (empty.queue.takersWaiting() < many) {
                assertTrue(System.nanoTime() - giveUp < 0, "not every taker came to wait");
                Thread.sleep(1);
            }
            // every carrier would be held by now if a sleep pinned one: this virtual thread could not run
            Thread feeder = start(true, () -> {
                for (int i = 0; i < many; i++) {
                    empty.queue.put(i, Waker.NO_DEADLINE);
                }
                for (int i = 0; i <= many; i++) {
                    takeInTime(full.queue);
                }
            }, failure);
            feeder.join();
            for (Thread thread : threads) {
                thread.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    @Test
    void aRingLockHandedOver_leavesNoSleeperBehind() throws Exception {
        try (Closing q = new Closing(QueueCore.create(8, 1024))) {
            Ring ring = q.queue.ring();
            int token = q.queue.token();
            for (int round = 0; round < 20; round++) {
                assertTrue(ring.tryLock(Ring.READ_LOCK, token)); // held, as by a taker between its few stores
                AtomicReference<Throwable> failure = new AtomicReference<>();
                ConcurrentHashMap<Object, Boolean> got = new ConcurrentHashMap<>();
                List<Thread> takers = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    takers.add(start(t % 2 == round % 2, () -> got.put(takeInTime(q.queue), true), failure));
                }
                long giveUp = System.nanoTime() + PATIENCE_NANOS;
                while ((ring.lockWord(Ring.READ_LOCK) & Ring.WAITERS) == 0) {
                    assertTrue(System.nanoTime() - giveUp < 0, "no taker came to sleep on the lock");
                    Thread.sleep(1);
                }
                Thread.sleep(50); // the others too, most times
                if (ring.unlock(Ring.READ_LOCK, token)) {
                    dev.multiproc.internal.ipc.FutexWait.wake(q.queue.lockWord(Ring.READ_LOCK), 1); // as a holder does
                }
                for (int m = 0; m < 3; m++) {
                    q.queue.put(round * 10 + m, Waker.NO_DEADLINE);
                }
                for (Thread taker : takers) {
                    taker.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError("round " + round, failure.get());
                }
                assertEquals(3, got.size());
            }
        }
    }
}
