package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code futex_waitv(2)} (Linux 5.16): one thread sleeps on up to {@link #MAX} 32-bit words at
 * once, until one of them is woken ({@code FUTEX_WAKE}, see {@link Futex#wake}) or no longer
 * holds the value it was expected to hold. Called through {@code syscall(2)}: glibc has no
 * wrapper. The words may be in memory shared between processes or private to this one.
 *
 * <p>A vector is native memory of {@code count * }{@link #ENTRY_BYTES} bytes, 8-byte aligned,
 * filled with {@link #set}: {@code struct futex_waitv { u64 val; u64 uaddr; u32 flags;
 * u32 __reserved; }} ({@code <linux/futex.h>}).
 */
public final class FutexWaitv {
    // <asm-generic/unistd.h>: the same number on x86_64 and aarch64
    private static final long SYS_FUTEX_WAITV = 449;
    // <linux/futex.h>
    private static final int FUTEX2_SIZE_U32 = 0x02;
    // <time.h>
    private static final int CLOCK_MONOTONIC = 1;

    /** The most words one call waits on ({@code FUTEX_WAITV_MAX}). */
    public static final int MAX = 128;
    /** The size of one entry of a vector. */
    public static final long ENTRY_BYTES = 24;

    /** What {@link #futex_waitv} returns when a word did not hold its value, or a signal came (EAGAIN, EINTR). */
    public static final int CHANGED = -1;
    /** What {@link #futex_waitv} returns when the deadline passed. */
    public static final int TIMED_OUT = -2;

    private static final MethodHandle SYSCALL5 = Native.variadic("syscall", FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle CLOCK_GETTIME = Native.critical("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final ThreadLocal<MemorySegment> NOW =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));
    private static final ThreadLocal<MemorySegment> DEADLINE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    private FutexWaitv() {}

    /** Allocates a vector of {@code count} entries in {@code arena}. */
    public static MemorySegment vector(Arena arena, int count) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("a futex_waitv vector holds 1 to " + MAX + " entries, not " + count);
        }
        return arena.allocate(ENTRY_BYTES * count, 8);
    }

    /**
     * Sets entry {@code index} of {@code vector}: wait while the int at {@code word} (4-byte
     * aligned) holds {@code expected}. The entry is a shared one (no {@code FUTEX2_PRIVATE}),
     * as {@link Futex}'s calls are, so that the kernel finds the same waiters for a wake made
     * through either class, whether the word is in shared or in private memory.
     */
    public static void set(MemorySegment vector, int index, MemorySegment word, int expected) {
        Futex.requireAligned(word);
        set(vector, index, word.address(), expected);
    }

    /** As {@link #set(MemorySegment, int, MemorySegment, int)}, with the word's address. */
    public static void set(MemorySegment vector, int index, long wordAddress, int expected) {
        long at = ENTRY_BYTES * index;
        vector.set(JAVA_LONG, at, expected & 0xFFFF_FFFFL);
        vector.set(JAVA_LONG, at + 8, wordAddress);
        vector.set(JAVA_INT, at + 16, FUTEX2_SIZE_U32);
        vector.set(JAVA_INT, at + 20, 0);
    }

    /**
     * {@code futex_waitv(vector, count, 0, timeout, CLOCK_MONOTONIC)}: sleeps until a word of
     * the first {@code count} entries is woken (returns its index), or one did not hold its
     * value when the call began, or a signal interrupted it ({@link #CHANGED}), or
     * {@code timeoutNanos} passed ({@link #TIMED_OUT}; negative: no limit). Callers check their
     * words again after any return: a wake may also be spurious.
     *
     * @throws ErrnoException for anything else (EFAULT, EINVAL, and ENOSYS before Linux 5.16)
     */
    public static int futex_waitv(MemorySegment vector, int count, long timeoutNanos) throws ErrnoException {
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timeout = DEADLINE.get();
            long deadline = monotonicNanos() + timeoutNanos;
            if (deadline < 0) {
                deadline = Long.MAX_VALUE; // a timeout of centuries: as good as none
            }
            timeout.set(JAVA_LONG, 0, deadline / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, deadline % 1_000_000_000L);
        }
        MemorySegment state = Native.callState();
        long r;
        try {
            r = (long) SYSCALL5.invokeExact(state, SYS_FUTEX_WAITV, vector.address(), (long) count, 0L,
                    timeout.address(), (long) CLOCK_MONOTONIC);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r >= 0) {
            return (int) r;
        }
        int errno = Native.errno(state);
        return switch (errno) {
            case Errno.EAGAIN, Errno.EINTR -> CHANGED;
            case Errno.ETIMEDOUT -> TIMED_OUT;
            default -> throw new ErrnoException("futex_waitv(nr_futexes=" + count + ")", errno);
        };
    }

    /** {@code clock_gettime(CLOCK_MONOTONIC)} in nanoseconds: the clock of the deadline. */
    static long monotonicNanos() {
        MemorySegment ts = NOW.get();
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(Native.callState(), CLOCK_MONOTONIC, ts);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
        }
        return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
    }
}
