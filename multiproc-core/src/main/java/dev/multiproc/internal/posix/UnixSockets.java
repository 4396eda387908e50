package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A pair of connected Unix sockets ({@code socketpair(2)}) and file descriptors sent over one
 * with {@code SCM_RIGHTS} ({@code sendmsg(2)}, {@code recvmsg(2)}): the way an fd reaches a
 * process that already runs, such as a pool's worker.
 *
 * <h2>One message, one batch</h2>
 * The sockets are {@code SOCK_SEQPACKET}: a message arrives whole or not at all, so a batch of
 * fds and the four bytes that count them are never split or merged with the next batch. A
 * message carries at most {@link #MAX_FDS_PER_MESSAGE} fds (the kernel's {@code SCM_MAX_FD}).
 * The receiver asks for the fds close-on-exec ({@code MSG_CMSG_CLOEXEC}), so none of them leaks
 * into a process it starts, and a batch the kernel had to cut ({@code MSG_CTRUNC}: the receiver
 * is at its fd limit) is closed and refused rather than delivered in part.
 */
public final class UnixSockets {
    /** {@code SCM_MAX_FD} in {@code <net/scm.h>}: the most fds one message may carry. */
    public static final int MAX_FDS_PER_MESSAGE = 253;

    // <bits/socket.h>, the same values on x86_64 and aarch64
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // struct msghdr on LP64: name, namelen (padded), iov, iovlen, control, controllen, flags
    private static final long MSGHDR_BYTES = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    // struct iovec: base, len
    private static final long IOVEC_BYTES = 16;
    // struct cmsghdr: len (size_t), level, type, then the data
    private static final long CMSG_HEADER = 16;

    private static final MethodHandle SOCKETPAIR = Native.downcall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMSG = Native.downcall("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = Native.downcall("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private UnixSockets() {}

    /** {@code socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC)}: two connected ends. */
    public static int[] pair() throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int r;
            try {
                r = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r != 0) {
                throw new ErrnoException("socketpair(AF_UNIX, SOCK_SEQPACKET)", Native.errno(state));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /**
     * Sends {@code fds} (1 to {@link #MAX_FDS_PER_MESSAGE}) over {@code socket} in one message,
     * without blocking: the receiver gets copies, and the fds here stay open.
     *
     * @throws ErrnoException EAGAIN if the socket's buffer is full, EPIPE if the receiver is gone
     * @throws IllegalArgumentException for no fds or more than one message may carry
     */
    public static void sendFds(int socket, int[] fds) throws ErrnoException {
        if (fds.length == 0 || fds.length > MAX_FDS_PER_MESSAGE) {
            throw new IllegalArgumentException("a message carries 1 to " + MAX_FDS_PER_MESSAGE + " fds, not "
                    + fds.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            count.set(JAVA_INT, 0, fds.length);
            long dataBytes = (long) fds.length * Integer.BYTES;
            MemorySegment control = arena.allocate(CMSG_HEADER + align(dataBytes), 8);
            control.set(JAVA_LONG, 0, CMSG_HEADER + dataBytes);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.set(JAVA_INT, CMSG_HEADER + (long) i * Integer.BYTES, fds[i]);
            }
            MemorySegment message = message(arena, count, control);
            MemorySegment state = Native.callState();
            long r;
            try {
                r = (long) SENDMSG.invokeExact(state, socket, message, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r < 0) {
                throw new ErrnoException("sendmsg(" + socket + ", SCM_RIGHTS of " + fds.length + " fds)",
                        Native.errno(state));
            }
        }
    }

    /**
     * Receives one message of fds from {@code socket}, blocking until it comes; the fds arrive
     * close-on-exec, in the order they were sent.
     *
     * @return the fds, or an empty array if the other end closed
     * @throws ErrnoException if the call fails, or the message was cut (EMSGSIZE: the fds that
     *     arrived are closed)
     */
    public static int[] receiveFds(int socket) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment control = arena.allocate(CMSG_HEADER + align((long) MAX_FDS_PER_MESSAGE * Integer.BYTES), 8);
            MemorySegment message = message(arena, count, control);
            MemorySegment state = Native.callState();
            long r;
            do {
                try {
                    r = (long) RECVMSG.invokeExact(state, socket, message, MSG_CMSG_CLOEXEC);
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
            } while (r < 0 && Native.errno(state) == Errno.EINTR);
            if (r < 0) {
                throw new ErrnoException("recvmsg(" + socket + ")", Native.errno(state));
            }
            if (r == 0) {
                return new int[0];
            }
            int[] fds = fdsIn(control, message.get(JAVA_LONG, MSG_CONTROLLEN));
            boolean cut = (message.get(JAVA_INT, MSG_FLAGS) & MSG_CTRUNC) != 0;
            if (cut || r != Integer.BYTES || fds.length != count.get(JAVA_INT, 0)) {
                for (int fd : fds) {
                    Fds.closeQuietly(fd);
                }
                throw new ErrnoException("recvmsg(" + socket + "): " + fds.length + " of "
                        + count.get(JAVA_INT, 0) + " fds arrived" + (cut ? ", the rest cut by the kernel" : ""),
                        Errno.EMSGSIZE);
            }
            return fds;
        }
    }

    private static MemorySegment message(Arena arena, MemorySegment payload, MemorySegment control) {
        MemorySegment iov = arena.allocate(IOVEC_BYTES, 8);
        iov.set(ADDRESS, 0, payload);
        iov.set(JAVA_LONG, 8, payload.byteSize());
        MemorySegment message = arena.allocate(MSGHDR_BYTES, 8);
        message.set(ADDRESS, MSG_IOV, iov);
        message.set(JAVA_LONG, MSG_IOVLEN, 1L);
        message.set(ADDRESS, MSG_CONTROL, control);
        message.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
        return message;
    }

    /** The fds of the {@code SCM_RIGHTS} header in the first {@code length} bytes of {@code control}. */
    private static int[] fdsIn(MemorySegment control, long length) {
        if (length < CMSG_HEADER || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
            return new int[0];
        }
        int n = (int) ((control.get(JAVA_LONG, 0) - CMSG_HEADER) / Integer.BYTES);
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = control.get(JAVA_INT, CMSG_HEADER + (long) i * Integer.BYTES);
        }
        return fds;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
