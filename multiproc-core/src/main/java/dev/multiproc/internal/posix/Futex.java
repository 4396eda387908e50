package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code futex(2)} on a 32-bit word in memory shared between processes (a {@code MAP_SHARED}
 * mapping): wait while the word holds a value, wake waiters. Called through {@code syscall(2)}:
 * glibc has no wrapper. The operations are the shared ones (no {@code FUTEX_PRIVATE_FLAG}), so
 * a waiter in one process is woken by a store and a wake in another.
 *
 * <p>A wait blocks the calling OS thread in the kernel: a virtual thread that called it would
 * hold its carrier. Callers on virtual threads must wait some other way (see the IPC objects).
 */
public final class Futex {
    // <asm-generic/unistd.h> and <asm/unistd_64.h>: futex is 202 on x86_64, 98 on aarch64
    private static final long SYS_FUTEX = Platform.current() == Platform.LINUX_X86_64 ? 202 : 98;

    // <linux/futex.h>
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;

    /** {@code struct timespec}: tv_sec, tv_nsec. */
    private static final long TIMESPEC_BYTES = 16;

    private static final MethodHandle SYSCALL6 = Native.variadic("syscall", FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);

    private Futex() {}

    /** What {@link #wait} tells: woken (or the word was not {@code expected}), or the time ran out. */
    public enum Woke {
        /** A wake came, a signal interrupted the wait, or the word no longer held the expected value. */
        WOKEN,
        /** The timeout passed first. */
        TIMED_OUT
    }

    /**
     * {@code FUTEX_WAIT}: sleeps while the int at {@code word} (4-byte aligned, in shared
     * memory) equals {@code expected}, for at most {@code timeoutNanos} (negative: no limit).
     * Returns at once if it does not hold {@code expected} (EAGAIN), and may return early (a
     * signal, EINTR): callers check the word again and wait again as needed.
     *
     * @throws ErrnoException for anything else (EFAULT, EINVAL)
     */
    public static Woke wait(MemorySegment word, int expected, long timeoutNanos) throws ErrnoException {
        requireAligned(word);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeout = MemorySegment.NULL;
            if (timeoutNanos >= 0) {
                timeout = arena.allocate(TIMESPEC_BYTES, 8);
                timeout.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timeout.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            }
            MemorySegment state = Native.callState();
            long r;
            try {
                r = (long) SYSCALL6.invokeExact(state, SYS_FUTEX, word.address(), FUTEX_WAIT, (long) expected,
                        timeout.address(), 0L, 0L);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r == 0) {
                return Woke.WOKEN;
            }
            int errno = Native.errno(state);
            return switch (errno) {
                case Errno.EAGAIN, Errno.EINTR -> Woke.WOKEN;
                case Errno.ETIMEDOUT -> Woke.TIMED_OUT;
                default -> throw new ErrnoException("futex(" + word + ", FUTEX_WAIT, " + expected + ")", errno);
            };
        }
    }

    /**
     * {@code FUTEX_WAKE}: wakes up to {@code count} waiters on {@code word}; returns how many
     * were woken.
     *
     * @throws ErrnoException if the kernel refuses (EFAULT, EINVAL)
     */
    public static int wake(MemorySegment word, int count) throws ErrnoException {
        requireAligned(word);
        MemorySegment state = Native.callState();
        long r;
        try {
            r = (long) SYSCALL6.invokeExact(state, SYS_FUTEX, word.address(), FUTEX_WAKE, (long) count, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("futex(" + word + ", FUTEX_WAKE, " + count + ")", Native.errno(state));
        }
        return (int) r;
    }

    /** Checks the word's alignment, as the kernel requires (EINVAL otherwise). */
    static void requireAligned(MemorySegment word) {
        if (word.address() % JAVA_INT.byteAlignment() != 0) {
            throw new IllegalArgumentException("a futex word must be 4-byte aligned: " + word);
        }
    }
}
