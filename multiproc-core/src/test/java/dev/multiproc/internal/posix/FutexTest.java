package dev.multiproc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The futex word: a waiter sleeps while it holds a value and wakes for a store and a wake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FutexTest {
    @Test
    void aWaiter_isWokenByAStoreAndAWake() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            for (int round = 0; round < 200; round++) {
                word.set(ValueLayout.JAVA_INT, 0, 0);
                CountDownLatch started = new CountDownLatch(1);
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread waiter = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while ((int) ValueLayout.JAVA_INT.varHandle().getVolatile(word, 0L) == 0) {
                            Futex.wait(word, 0, -1);
                        }
                    } catch (Throwable t) {
                        failed.set(t);
                    }
                });
                started.await();
                ValueLayout.JAVA_INT.varHandle().setVolatile(word, 0L, 1);
                Futex.wake(word, Integer.MAX_VALUE);
                waiter.join(TimeUnit.SECONDS.toMillis(20));
                assertEquals(false, waiter.isAlive(), "round " + round + ": the waiter was not woken");
                assertEquals(null, failed.get());
            }
        }
    }

    @Test
    void aWordThatDoesNotHoldTheValue_returnsAtOnce_andATimeoutEnds() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 5);
            assertEquals(Futex.Woke.WOKEN, Futex.wait(word, 4, -1));
            assertEquals(Futex.Woke.TIMED_OUT, Futex.wait(word, 5, TimeUnit.MILLISECONDS.toNanos(20)));
            assertEquals(0, Futex.wake(word, 1));
        }
    }

    @Test
    void aMisalignedWord_isRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(8, 8).asSlice(1, 4);
            assertThrows(IllegalArgumentException.class, () -> Futex.wake(word, 1));
        }
    }
}
