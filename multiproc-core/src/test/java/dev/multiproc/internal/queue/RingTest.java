package dev.multiproc.internal.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ring as pure logic, with threads standing for processes: every record taken once and whole,
 * wrap-around, both limits, and a member that ends at each step of a put or a take.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RingTest {
    private static final int A = 11;
    private static final int B = 12;
    private static final int C = 13;

    private static Ring ring(int capacity, long dataBytes) {
        MemorySegment memory = Arena.ofAuto().allocate(Ring.bytes(dataBytes), 64);
        return Ring.format(memory, capacity, dataBytes);
    }

    /** A put as a producer makes it, the lock taken by spinning. */
    private static boolean put(Ring ring, int token, byte[] payload) {
        lock(ring, Ring.TAIL_LOCK, token);
        long at = ring.claim(token, payload.length);
        ring.unlock(Ring.TAIL_LOCK, token);
        if (at == Ring.NONE) {
            return false;
        }
        MemorySegment.copy(payload, 0, ring.payload(at, payload.length), ValueLayout.JAVA_BYTE, 0, payload.length);
        assertTrue(ring.commit(at, token));
        return true;
    }

    private static byte[] take(Ring ring, int token) {
        lock(ring, Ring.READ_LOCK, token);
        long at = ring.take(token);
        ring.unlock(Ring.READ_LOCK, token);
        if (at < 0) {
            return null;
        }
        byte[] out = ring.payload(at, ring.payloadLength(at)).toArray(ValueLayout.JAVA_BYTE);
        assertTrue(ring.done(at, token));
        return out;
    }

    private static void lock(Ring ring, long lockAt, int token) {
        while (!ring.tryLock(lockAt, token)) {
            Thread.yield();
        }
    }

    private static byte[] message(int n, int length) {
        byte[] b = new byte[length];
        ByteBuffer.wrap(b).putInt(0, n);
        for (int i = 4; i < length; i++) {
            b[i] = (byte) (n + i);
        }
        return b;
    }

    private static int check(byte[] b) {
        int n = ByteBuffer.wrap(b).getInt(0);
        for (int i = 4; i < b.length; i++) {
            assertEquals((byte) (n + i), b[i], "byte " + i + " of message " + n);
        }
        return n;
    }

    @Test
    void recordsOfEverySize_wrapAround_andComeOutWholeInOrder() {
        Ring ring = ring(1000, 4096);
        Random random = new Random(5);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 20_000; round++) {
            if (random.nextBoolean()) {
                int length = 4 + random.nextInt(random.nextInt(10) == 0 ? Ring.largestPayload(4096) - 4 : 100);
                if (put(ring, A, message(next, length))) {
                    next++;
                }
            } else {
                byte[] got = take(ring, B);
                if (got != null) {
                    assertEquals(expected++, check(got));
                }
            }
        }
        for (byte[] got = take(ring, B); got != null; got = take(ring, B)) {
            assertEquals(expected++, check(got));
        }
        assertEquals(next, expected);
        assertEquals(0, ring.size());
    }

    @Test
    void theCapacity_boundsMessages_andTheDataBoundsBytes() {
        Ring ring = ring(3, 1024);
        assertTrue(put(ring, A, new byte[1]));
        assertTrue(put(ring, A, new byte[1]));
        assertTrue(put(ring, A, new byte[1]));
        assertFalse(put(ring, A, new byte[1]), "a fourth message over a capacity of 3");
        take(ring, B);
        assertTrue(put(ring, A, new byte[1]));

        Ring small = ring(100, 1024);
        assertTrue(put(small, A, new byte[Ring.largestPayload(1024)]));
        assertTrue(put(small, A, new byte[Ring.largestPayload(1024)]));
        assertFalse(put(small, A, new byte[1]), "no room left");
        take(small, B);
        assertTrue(put(small, A, new byte[Ring.largestPayload(1024)]));
    }

    @Test
    void anEmptyRing_alwaysHasRoomForTheLargestPayload_wherever_itsTailIs() {
        Ring ring = ring(100, 1024);
        for (int shift = 1; shift < 200; shift++) {
            assertTrue(put(ring, A, new byte[shift]));
            take(ring, B);
            assertTrue(put(ring, A, new byte[Ring.largestPayload(1024)]), "after a shift of " + shift);
            take(ring, B);
        }
    }

    @Test
    void producersAndConsumersOnManyThreads_everyMessageOnce() throws Exception {
        Ring ring = ring(64, 1 << 14);
        int producers = 3;
        int each = 5_000;
        ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
        AtomicInteger taken = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int token = 100 + p;
            int base = p * each;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    byte[] m = message(base + i, 4 + (i * 31) % 700);
                    while (!put(ring, token, m)) {
                        Thread.yield();
                    }
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            int token = 200 + c;
            threads.add(Thread.ofPlatform().start(() -> {
                while (taken.get() < producers * each) {
                    byte[] m = take(ring, token);
                    if (m != null) {
                        int n = check(m);
                        assertNull(seen.put(n, true), "message " + n + " twice");
                        taken.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(producers * each, seen.size());
        assertEquals(0, ring.size());
    }

    @Test
    void aProducerEndedMidPut_itsRecordIsDiscardedAndCounted_nothingCommittedIsLost() {
        Ring ring = ring(100, 4096);
        assertTrue(put(ring, A, message(1, 10)));
        lock(ring, Ring.TAIL_LOCK, B);
        long half = ring.claim(B, 500); // B claims, then ends before its copy
        ring.unlock(Ring.TAIL_LOCK, B);
        assertTrue(put(ring, C, message(2, 10)));
        assertEquals(1, check(take(ring, A)));
        lock(ring, Ring.READ_LOCK, A);
        assertEquals(Ring.BLOCKED, ring.take(A), "the record being written holds the others back");
        ring.unlock(Ring.READ_LOCK, A);
        assertEquals(3, ring.unfinished());

        Ring.Recovered r = ring.recover(B);
        assertEquals(1, r.discarded());
        assertEquals(1, ring.discarded());
        assertEquals(2, ring.unfinished());
        assertFalse(ring.commit(half, B), "a late commit of a discarded record is refused");
        assertEquals(2, check(take(ring, A)));
        assertNull(take(ring, A));
        assertEquals(0, ring.recover(B).discarded(), "a second recovery changes nothing");
    }

    @Test
    void aProducerEndedHoldingTheTailLock_theLockIsFreed() {
        Ring ring = ring(100, 4096);
        assertTrue(ring.tryLock(Ring.TAIL_LOCK, B));
        assertTrue(ring.flagWaiters(Ring.TAIL_LOCK, ring.lockWord(Ring.TAIL_LOCK)));
        Ring.Recovered r = ring.recover(B);
        assertTrue(r.wakeTailLock());
        assertEquals(0, ring.lockWord(Ring.TAIL_LOCK));
        assertTrue(put(ring, A, message(7, 10)));

        // ended after publishing its claim, still holding the lock
        assertTrue(ring.tryLock(Ring.TAIL_LOCK, B));
        ring.claim(B, 10);
        ring.recover(B);
        assertEquals(0, ring.lockWord(Ring.TAIL_LOCK));
        assertEquals(7, check(take(ring, A)));
        assertNull(take(ring, A));
        assertEquals(1, ring.discarded());
    }

    @Test
    void aConsumerEndedMidTake_theMessageIsHandedOutAgain() {
        Ring ring = ring(100, 4096);
        for (int i = 0; i < 3; i++) {
            assertTrue(put(ring, A, message(i, 20)));
        }
        lock(ring, Ring.READ_LOCK, B);
        long first = ring.take(B); // B takes message 0, then ends during its copy-out
        ring.unlock(Ring.READ_LOCK, B);
        assertEquals(1, check(take(ring, C)));

        Ring.Recovered r = ring.recover(B);
        assertEquals(1, r.returned());
        assertFalse(ring.done(first, B), "a late copy-out of a record handed out again is refused");
        assertEquals(0, check(take(ring, C)), "the returned message comes first");
        assertEquals(2, check(take(ring, C)));
        assertNull(take(ring, C));
        assertEquals(0, ring.size());
    }

    @Test
    void aConsumerEndedHoldingTheReadLock_withTheRecordMarkedButNotPassed_getsItBack() {
        Ring ring = ring(100, 4096);
        assertTrue(put(ring, A, message(5, 20)));
        assertTrue(ring.tryLock(Ring.READ_LOCK, B));
        // B marked the record taken and ended before it published the read position
        MemorySegment memory = ring.memory();
        long header = memory.get(ValueLayout.JAVA_LONG, Ring.HEADER);
        long taken = ((long) Ring.TAKEN << 61) | ((long) B << 31) | Ring.lengthOf(header);
        memory.set(ValueLayout.JAVA_LONG, Ring.HEADER, taken);
        ring.recover(B);
        assertEquals(0, ring.lockWord(Ring.READ_LOCK));
        assertEquals(5, check(take(ring, C)));
    }

    @Test
    void hasMessage_seesCommittedRecords_notOnesBeingWritten() {
        Ring ring = ring(100, 4096);
        assertFalse(ring.hasMessage());
        lock(ring, Ring.TAIL_LOCK, A);
        long at = ring.claim(A, 8);
        ring.unlock(Ring.TAIL_LOCK, A);
        assertFalse(ring.hasMessage());
        ring.commit(at, A);
        assertTrue(ring.hasMessage());
        take(ring, B);
        assertFalse(ring.hasMessage());
    }

    @Test
    void markDone_countsNoMoreThanWasPut() {
        Ring ring = ring(100, 4096);
        assertFalse(ring.markDone());
        put(ring, A, new byte[1]);
        put(ring, A, new byte[1]);
        assertEquals(2, ring.unfinished());
        assertTrue(ring.markDone());
        assertTrue(ring.markDone());
        assertFalse(ring.markDone());
        assertEquals(0, ring.unfinished());
    }

    @Test
    void manyThreadsWithDeaths_everyCommittedMessageOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Ring ring = ring(32, 1 << 12);
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            ConcurrentHashMap<Integer, Boolean> committed = new ConcurrentHashMap<>();
            int dying = 300 + round;
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    byte[] m = message(i, 4 + i % 300);
                    while (!put(ring, A, m)) {
                        Thread.yield();
                    }
                    committed.put(i, true);
                }
            });
            Thread doomed = Thread.ofPlatform().start(() -> {
                // a producer that ends mid-put after a few messages
                for (int i = 0; i < 5; i++) {
                    while (!put(ring, dying, message(100_000 + i, 30))) {
                        Thread.yield();
                    }
                    committed.put(100_000 + i, true);
                }
                long claimed;
                do {
                    lock(ring, Ring.TAIL_LOCK, dying);
                    claimed = ring.claim(dying, 40);
                    ring.unlock(Ring.TAIL_LOCK, dying);
                } while (claimed == Ring.NONE);
            });
            Thread consumer = Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (got.size() < 2005 && System.nanoTime() < deadline) {
                    byte[] m = take(ring, B);
                    if (m != null) {
                        got.add(check(m));
                    } else {
                        Thread.yield();
                    }
                }
            });
            doomed.join();
            ring.recover(dying); // its death is seen
            producer.join();
            consumer.join();
            assertEquals(committed.keySet(), new java.util.HashSet<>(got), "round " + round);
            assertEquals(2005, got.size(), "each once");
            assertEquals(1, ring.discarded());
        }
    }

    @Test
    void payloadsSurviveTheWrap_byteForByte() {
        Ring ring = ring(1000, 1024);
        Random random = new Random(9);
        for (int i = 0; i < 5000; i++) {
            byte[] m = new byte[1 + random.nextInt(Ring.largestPayload(1024))];
            random.nextBytes(m);
            assertTrue(put(ring, A, m));
            assertArrayEquals(m, take(ring, B));
        }
    }
}
