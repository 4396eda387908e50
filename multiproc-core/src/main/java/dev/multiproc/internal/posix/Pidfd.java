package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Process file descriptors: {@code pidfd_open} and {@code pidfd_send_signal}, called through
 * {@code syscall(2)} so that any glibc with the kernel's support (Linux 5.3) works, and the
 * {@code PIDFD_GET_INFO} ioctl (Linux 6.13; exit statuses from 6.15). A pidfd names one
 * process for its whole life: a signal sent through it can never reach a process that later
 * got the same pid.
 */
public final class Pidfd {
    // <asm-generic/unistd.h>: the same numbers on x86_64 and aarch64
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;

    // <linux/pidfd.h>: _IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info), with the size of the
    // first version of the struct (64 bytes), which every kernel that has the call accepts
    private static final long PIDFD_GET_INFO = 0xC040FF0BL;
    private static final long PIDFD_INFO_EXIT = 0x08;
    private static final long PIDFD_INFO_SIZE = 64;
    private static final long INFO_MASK = 0;
    private static final long INFO_EXIT_CODE = 60;

    /** What {@link #exitStatus} returns while the kernel has no exit status for the process. */
    public static final int NO_EXIT_STATUS = -1;

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

    /**
     * The wait status ({@code waitpid}'s {@code wstatus}) the kernel kept for the process of
     * {@code pidfd}, through {@code ioctl(PIDFD_GET_INFO)} with {@code PIDFD_INFO_EXIT}: the
     * kernel records it when the process is released, even if nobody could wait for it (a
     * child reaped automatically because SIGCHLD is ignored). {@link #NO_EXIT_STATUS} while
     * the process is not released yet; a kernel that has the call but keeps no exit statuses
     * (6.13 and 6.14) answers that for ever, so callers bound how long they ask.
     *
     * @throws ErrnoException if the kernel has no such call (before Linux 6.13: ENOTTY or EINVAL)
     */
    public static int exitStatus(int pidfd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(PIDFD_INFO_SIZE, 8);
            info.set(JAVA_LONG, INFO_MASK, PIDFD_INFO_EXIT);
            Fds.ioctl(pidfd, PIDFD_GET_INFO, info, "PIDFD_GET_INFO");
            if ((info.get(JAVA_LONG, INFO_MASK) & PIDFD_INFO_EXIT) == 0) {
                return NO_EXIT_STATUS;
            }
            return info.get(JAVA_INT, INFO_EXIT_CODE);
        }
    }
}
