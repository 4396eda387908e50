package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Process file descriptors: {@code pidfd_open} and {@code pidfd_send_signal}, called through
 * {@code syscall(2)} so that any glibc with the kernel's support (Linux 5.3) works. A pidfd
 * names one process for its whole life: a signal sent through it can never reach a process
 * that later got the same pid.
 */
public final class Pidfd {
    // <asm-generic/unistd.h>: the same numbers on x86_64 and aarch64
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;

    private static final MethodHandle SYSCALL2 = Native.variadic("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle SYSCALL4 = Native.variadic("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);

    private Pidfd() {}

    /** {@code pidfd_open(pid, 0)}: a close-on-exec pidfd for {@code pid}. */
    public static int pidfd_open(long pid) throws ErrnoException {
        MemorySegment state = Native.callState();
        long fd;
        try {
            fd = (long) SYSCALL2.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) {
            throw new ErrnoException("pidfd_open(pid=" + pid + ", flags=0)", Native.errno(state));
        }
        return (int) fd;
    }

    /**
     * {@code pidfd_send_signal(pidfd, signal, NULL, 0)}: true if sent, false if the process
     * is gone and was already waited for (ESRCH).
     */
    public static boolean pidfd_send_signal(int pidfd, int signal) throws ErrnoException {
        MemorySegment state = Native.callState();
        long r;
        try {
            r = (long) SYSCALL4.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, 0L, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r == 0) {
            return true;
        }
        int errno = Native.errno(state);
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw new ErrnoException("pidfd_send_signal(pidfd=" + pidfd + ", sig=" + signal + ")", errno);
    }
}
