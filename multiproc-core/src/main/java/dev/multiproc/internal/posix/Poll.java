package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code poll(2)} on one fd, with the {@code struct pollfd} kept per thread: the direct wait of
 * a platform thread for a pipe that the peer is about to write, with no allocation per call.
 */
public final class Poll {
    // <poll.h>
    public static final short POLLIN = 0x001;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;

    /** {@code struct pollfd}: int fd, short events, short revents. */
    private static final long POLLFD_BYTES = 8;

    private static final MethodHandle POLL = Native.downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final ThreadLocal<MemorySegment> POLLFD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(POLLFD_BYTES, 4));

    private Poll() {}

    /**
     * Waits up to {@code timeoutMillis} (0: look once; -1: no limit) for {@code fd} to be ready
     * for {@code events}: returns the events that are ({@code revents}, which may hold
     * {@link #POLLHUP}, {@link #POLLERR} or {@link #POLLNVAL} whatever was asked), 0 if the time
     * ran out or a signal interrupted the wait.
     *
     * @throws ErrnoException for anything but EINTR (EFAULT, EINVAL, ENOMEM)
     */
    public static int poll(int fd, short events, int timeoutMillis) throws ErrnoException {
        MemorySegment pollfd = POLLFD.get();
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, events);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        MemorySegment state = Native.callState();
        int n;
        try {
            n = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (n < 0) {
            int errno = Native.errno(state);
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException("poll(fd=" + fd + ", events=0x" + Integer.toHexString(events) + ", timeout="
                    + timeoutMillis + ")", errno);
        }
        return n == 0 ? 0 : pollfd.get(JAVA_SHORT, 6) & 0xffff;
    }
}
