package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared arrays and shared memory are the same memory in every process: increments from child
 * JVMs and from here are never lost, and what one writes the other reads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedArraysTest {
    @Test
    void lockFreeIncrements_fromTwoChildJvmsAndHere_areNeverLost() throws Exception {
        try (SharedLongArray longs = SharedLongArray.create(4); SharedIntArray ints = SharedIntArray.create(4);
             SharedDoubleArray doubles = SharedDoubleArray.create(4)) {
            int n = 50_000;
            List<JvmProcess<Integer>> children = List.of(1, 2).stream().map(c -> JvmProcess.start(() -> {
                for (int i = 0; i < n; i++) {
                    longs.getAndAdd(i % 4, 1);
                    ints.getAndAdd(i % 4, 1);
                    doubles.getAndAdd(i % 4, 1.0);
                }
                return c;
            })).toList();
            for (int i = 0; i < n; i++) {
                longs.getAndAdd(i % 4, 1);
                ints.getAndAdd(i % 4, 1);
                doubles.getAndAdd(i % 4, 1.0);
            }
            for (JvmProcess<Integer> c : children) {
                c.result();
            }
            long total = 0;
            for (int i = 0; i < 4; i++) {
                total += longs.get(i);
                assertEquals(longs.get(i), ints.get(i));
                assertEquals(longs.get(i), doubles.get(i), 0.0);
            }
            assertEquals(3L * n, total);
        }
    }

    @Test
    void everyOperation_doesWhatItsNameSays() {
        try (SharedLongArray longs = SharedLongArray.create(3); SharedIntArray ints = SharedIntArray.create(3);
             SharedDoubleArray doubles = SharedDoubleArray.create(3)) {
            assertEquals(3, longs.length());
            longs.set(0, 5);
            assertEquals(5, longs.getAndAdd(0, 2));
            assertEquals(10, longs.addAndGet(0, 3));
            assertTrue(longs.compareAndSet(0, 10, 11));
            assertFalse(longs.compareAndSet(0, 10, 12));
            assertEquals(11, longs.getAndSet(0, 1));
            longs.setRelease(1, 7);
            assertEquals(7, longs.getAcquire(1));
            assertArrayEquals(new long[] {1, 7, 0}, longs.toArray());
            ints.set(2, Integer.MAX_VALUE);
            assertEquals(Integer.MIN_VALUE, ints.addAndGet(2, 1));
            assertTrue(ints.compareAndSet(2, Integer.MIN_VALUE, 3));
            assertArrayEquals(new int[] {0, 0, 3}, ints.toArray());
            doubles.set(1, 0.5);
            assertEquals(0.5, doubles.getAndAdd(1, 0.25));
            assertEquals(0.75, doubles.getAcquire(1));
            assertTrue(doubles.compareAndSet(1, 0.75, -1.0));
            assertArrayEquals(new double[] {0, -1.0, 0}, doubles.toArray());
        }
    }

    @Test
    void sharedMemory_writtenByAChild_isReadHere_andMappedOncePerProcess() throws Exception {
        try (SharedMemory memory = SharedMemory.allocate(1 << 20)) {
            MemorySegment segment = memory.segment();
            segment.set(ValueLayout.JAVA_LONG, 0, 42);
            Long seenByChild = JvmProcess.start(() -> {
                MemorySegment there = memory.segment();
                there.asSlice(4096, 4096).fill((byte) 7);
                return there.get(ValueLayout.JAVA_LONG, 0);
            }).result();
            assertEquals(42L, seenByChild);
            assertEquals(7, segment.get(ValueLayout.JAVA_BYTE, 4096 + 100));
            assertEquals(1 << 20, memory.byteSize());
        }
    }

    @Test
    void aNamedBlock_outlivesEveryProcessThatUsedIt_untilUnlinked() throws Exception {
        String name = "multiproc-test-named-" + ProcessHandle.current().pid();
        try {
            String written = JvmProcess.start(() -> {
                SharedMemory made = SharedMemory.create(name, 4096);
                made.segment().set(ValueLayout.JAVA_INT, 0, 1234);
                return made.name().orElseThrow(); // the child ends without unlinking
            }).result();
            assertEquals(name, written);
            try (SharedMemory opened = SharedMemory.open(name)) {
                assertEquals(1234, opened.segment().get(ValueLayout.JAVA_INT, 0));
            }
        } finally {
            SharedMemory.unlink(name);
        }
    }
}
