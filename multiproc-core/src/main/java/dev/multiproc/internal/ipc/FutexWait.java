package dev.multiproc.internal.ipc;

import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Futex;
import dev.multiproc.internal.posix.FutexWaitv;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a 32-bit word of shared memory to change, from any kind of thread, and waking its
 * waiters: the one way the IPC objects sleep.
 *
 * <h2>Who sleeps where</h2>
 * <ul>
 *   <li>A <b>platform thread</b> sleeps in the kernel itself: {@code FUTEX_WAIT} for one word,
 *   {@code futex_waitv} for two. An interrupt wakes it through {@link InterruptHook} (a futex
 *   call does not return for {@link Thread#interrupt}). No other thread is involved, so a wake
 *   costs what it costs in C.</li>
 *   <li>A <b>virtual thread</b> must not hold its carrier in a system call that may last: it
 *   registers its words with {@link FutexWatcher}, whose one platform thread sleeps in the
 *   kernel for all of them, and parks. It is unparked when a word is woken or changes.</li>
 * </ul>
 * Nothing spins: on two shared vCPUs, spinning before sleeping made a futex round trip about
 * five times slower, as the spinner takes the CPU the other side needs.
 *
 * <h2>The contract</h2>
 * The same as {@code FUTEX_WAIT}'s: {@link #await} returns when a word was woken, no longer
 * held its expected value, the time ran out, or for no reason at all. Callers look at their
 * state again after every return and wait again as needed.
 */
public final class FutexWait {
    private static final ThreadLocal<Sleep> SLEEP = ThreadLocal.withInitial(Sleep::new);

    private FutexWait() {}

    /** A platform thread's means for its sleeps: a vector of two entries, and its interrupt hook. */
    private static final class Sleep {
        final MemorySegment vector = FutexWaitv.vector(Arena.ofAuto(), 2);
        InterruptHook hook;

        InterruptHook hook() {
            if (hook == null || !hook.isOpen()) {
                hook = new InterruptHook();
            }
            return hook;
        }
    }

    /** A callback registered by {@link #whenChanged}. */
    public interface Registration {
        /** Removes the callback if it has not run; idempotent. */
        void cancel();
    }

    /**
     * Sleeps while the int at {@code word} holds {@code expected}; see the class comment.
     *
     * @param timeoutNanos the longest sleep; negative: no limit
     * @param interruptible whether an interrupt ends the sleep with {@link InterruptedException}
     *     (otherwise the interrupt status is kept for later)
     * @return false if the time ran out, true for any other return
     * @throws InterruptedException if {@code interruptible} and the thread is interrupted (its
     *     status is then cleared)
     */
    public static boolean await(MemorySegment word, int expected, long timeoutNanos, boolean interruptible)
            throws InterruptedException {
        return await(word, expected, null, 0, timeoutNanos, interruptible);
    }

    /**
     * As {@link #await(MemorySegment, int, long, boolean)}, on two words: returns when either is
     * woken or changes ({@code word2} may be null: one word).
     */
    public static boolean await(MemorySegment word, int expected, MemorySegment word2, int expected2,
                                long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (Thread.currentThread().isVirtual()) {
            return parkUntilWoken(word, expected, word2, expected2, timeoutNanos, interruptible);
        }
        try {
            if (!interruptible) {
                return sleep(word, expected, word2, expected2, timeoutNanos);
            }
            Sleep sleep = SLEEP.get();
            InterruptHook hook = sleep.hook();
            boolean inTime = true;
            try {
                if (hook.enter(word)) {
                    inTime = sleep(word, expected, word2, expected2, timeoutNanos);
                }
            } finally {
                if (hook.exit()) {
                    Thread.interrupted();
                    throw new InterruptedException();
                }
            }
            return inTime;
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot wait on a shared word: " + e.getMessage(), e);
        }
    }

    /** A platform thread's sleep in the kernel: {@code FUTEX_WAIT} on one word, {@code futex_waitv} on two. */
    private static boolean sleep(MemorySegment word, int expected, MemorySegment word2, int expected2,
                                 long timeoutNanos) throws ErrnoException {
        if (word2 == null) {
            return Futex.wait(word, expected, timeoutNanos) != Futex.Woke.TIMED_OUT;
        }
        Sleep sleep = SLEEP.get();
        FutexWaitv.set(sleep.vector, 0, word, expected);
        FutexWaitv.set(sleep.vector, 1, word2, expected2);
        return FutexWaitv.futex_waitv(sleep.vector, 2, timeoutNanos) != FutexWaitv.TIMED_OUT;
    }

    private static boolean parkUntilWoken(MemorySegment word, int expected, MemorySegment word2, int expected2,
                                          long timeoutNanos, boolean interruptible) throws InterruptedException {
        FutexWatcher.Parker parker = new FutexWatcher.Parker();
        FutexWatcher.Registration first = FutexWatcher.register(word, expected, parker);
        FutexWatcher.Registration second = word2 == null ? null : FutexWatcher.register(word2, expected2, parker);
        boolean keepInterrupt = false;
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!parker.woken()) {
                if (timeoutNanos >= 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(left);
                } else {
                    LockSupport.park();
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    keepInterrupt = true;
                }
            }
            return true;
        } finally {
            first.cancel();
            if (second != null) {
                second.cancel();
            }
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Wakes up to {@code count} sleepers on {@code word}, in any process; returns how many
     * (a watcher thread counts as one, whatever the number of virtual threads it sleeps for).
     *
     * @throws IllegalStateException if the kernel refuses (the word is not mapped)
     */
    public static int wake(MemorySegment word, int count) {
        try {
            return Futex.wake(word, count);
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot wake the sleepers on a shared word: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code callback} once when {@code word} is woken or no longer holds {@code expected}
     * (at once, in effect, if it does not hold it now), on a thread of the library's: it must
     * not block. For waits that are not a thread's, such as one over many objects at once.
     * The word's segment must stay mapped until the callback ran or was cancelled.
     */
    public static Registration whenChanged(MemorySegment word, int expected, Runnable callback) {
        FutexWatcher.Registration registration = FutexWatcher.register(word, expected, callback::run);
        return registration::cancel;
    }
}
