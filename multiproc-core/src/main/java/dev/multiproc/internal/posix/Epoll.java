package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/** {@code epoll_create1}, {@code epoll_ctl} and {@code epoll_wait}, with the event struct of each platform. */
public final class Epoll {
    // <sys/epoll.h>
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLL_CLOEXEC = Fds.O_CLOEXEC;

    /**
     * {@code struct epoll_event}: packed on x86_64 (12 bytes), naturally aligned on aarch64
     * (16 bytes). Getting this wrong shifts every event after the first.
     */
    public static final StructLayout EVENT = switch (Platform.current()) {
        case LINUX_X86_64 -> MemoryLayout.structLayout(
                JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"));
        case LINUX_AARCH64 -> MemoryLayout.structLayout(
                JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("data"));
    };
    private static final long EVENTS_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long DATA_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    private static final MethodHandle EPOLL_CREATE1 = Native.downcall("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = Native.downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = Native.downcall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private Epoll() {}

    /** {@code epoll_create1(EPOLL_CLOEXEC)}. */
    public static int epoll_create1() throws ErrnoException {
        MemorySegment state = Native.callState();
        int fd;
        try {
            fd = (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) {
            throw new ErrnoException("epoll_create1(EPOLL_CLOEXEC)", Native.errno(state));
        }
        return fd;
    }

    /** {@code epoll_ctl(epfd, op, fd, {events, data})}. */
    public static void epoll_ctl(int epfd, int op, int fd, int events, long data) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EVENT);
            event.set(JAVA_INT, EVENTS_OFFSET, events);
            event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
            int r;
            try {
                r = (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r != 0) {
                throw new ErrnoException("epoll_ctl(epfd=" + epfd + ", op=" + op + ", fd=" + fd
                        + ", events=0x" + Integer.toHexString(events) + ")", Native.errno(state));
            }
        }
    }

    /** {@code epoll_wait}: the number of events written into {@code events}; 0 on timeout or EINTR. */
    public static int epoll_wait(int epfd, MemorySegment events, int timeoutMillis) throws ErrnoException {
        MemorySegment state = Native.callState();
        int max = (int) (events.byteSize() / EVENT.byteSize());
        int n;
        try {
            n = (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (n >= 0) {
            return n;
        }
        int errno = Native.errno(state);
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw new ErrnoException("epoll_wait(epfd=" + epfd + ", maxevents=" + max + ")", errno);
    }

    /** The events mask of the {@code index}-th event in {@code events}. */
    public static int events(MemorySegment events, int index) {
        return events.get(JAVA_INT, index * EVENT.byteSize() + EVENTS_OFFSET);
    }

    /** The data word of the {@code index}-th event in {@code events}. */
    public static long data(MemorySegment events, int index) {
        return events.get(JAVA_LONG_UNALIGNED, index * EVENT.byteSize() + DATA_OFFSET);
    }
}
