package dev.multiproc.internal.child;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.multiproc.internal.wire.Protocol;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The fds a pool's worker receives for its jobs, over its end of a Unix socket
 * ({@link Protocol#FDS_SOCKET_FD}, {@code SOCK_SEQPACKET}) with {@code SCM_RIGHTS}
 * ({@code recvmsg(2)}, {@code <sys/socket.h>}), and their closing ({@code close(2)},
 * {@code <unistd.h>}).
 *
 * <h2>Never a wait, never a wrong fd</h2>
 * The parent sends a job's fds before it writes the job's {@link Protocol#CARRY} frame into the
 * pipe, so they are in the socket when the frame is read: this receives without waiting
 * ({@code MSG_DONTWAIT}), and a socket found empty, a message cut by the kernel
 * ({@code MSG_CTRUNC}: this process is at its fd limit) or a count that is not the one announced
 * is an {@link IOException} (the fds that did arrive are closed): the worker's channel is out of
 * step and it ends, which the parent handles as a death. The fds arrive close-on-exec
 * ({@code MSG_CMSG_CLOEXEC}), so a command a task starts inherits none of them.
 *
 * <p>Linked here rather than in the library's native layer, which a child does not load (see
 * {@link ExitHandlers}); loaded only by a worker that receives fds.
 */
@SuppressWarnings("restricted")
final class FdReceiver {
    // <bits/socket.h>, the same values on x86_64 and aarch64
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    // <errno.h>
    private static final int EINTR = 4;

    // struct msghdr on LP64: name, namelen (padded), iov, iovlen, control, controllen, flags
    private static final long MSGHDR_BYTES = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    // struct cmsghdr: len (size_t), level, type, then the data
    private static final long CMSG_HEADER = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VALUE = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle RECVMSG = LINKER.downcallHandle(symbol("recvmsg"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(symbol("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private FdReceiver() {}

    /**
     * Receives the {@code count} fds sent for one frame, in order: messages of up to
     * {@link Protocol#MAX_FDS_PER_MESSAGE} until that many came.
     *
     * @throws IOException if they are not all there, or one message is not what it must be
     *     (the fds received so far are closed)
     */
    static int[] receive(int count) throws IOException {
        if (count <= 0 || count > 1 << 20) {
            throw new IOException("a CARRY frame announced " + count + " fds");
        }
        int[] fds = new int[count];
        int n = 0;
        try {
            while (n < count) {
                n = receiveMessage(fds, n, Math.min(Protocol.MAX_FDS_PER_MESSAGE, count - n));
            }
            return fds;
        } catch (IOException | RuntimeException | Error e) {
            for (int i = 0; i < n; i++) {
                close(fds[i]);
            }
            throw e;
        }
    }

    /** Receives one message of {@code expected} fds into {@code fds} at {@code at}; returns the new count. */
    private static int receiveMessage(int[] fds, int at, int expected) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(JAVA_INT);
            long dataBytes = (long) Protocol.MAX_FDS_PER_MESSAGE * Integer.BYTES;
            MemorySegment control = arena.allocate(CMSG_HEADER + ((dataBytes + 7) & ~7L), 8);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, payload);
            iov.set(JAVA_LONG, 8, payload.byteSize());
            MemorySegment message = arena.allocate(MSGHDR_BYTES, 8);
            message.set(ADDRESS, MSG_IOV, iov);
            message.set(JAVA_LONG, MSG_IOVLEN, 1L);
            message.set(ADDRESS, MSG_CONTROL, control);
            message.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
            MemorySegment state = arena.allocate(STATE);
            long r;
            int errno;
            do {
                try {
                    r = (long) RECVMSG.invokeExact(state, Protocol.FDS_SOCKET_FD, message,
                            MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("unexpected checked exception from recvmsg", t);
                }
                errno = r < 0 ? (int) ERRNO_VALUE.get(state, 0L) : 0;
            } while (r < 0 && errno == EINTR);
            if (r < 0) {
                throw new IOException("recvmsg on fd " + Protocol.FDS_SOCKET_FD + " failed with errno " + errno
                        + ": the fds of a job did not arrive before its frame");
            }
            if (r == 0) {
                throw new IOException("the socket of fds ended: the fds of a job did not arrive");
            }
            long length = message.get(JAVA_LONG, MSG_CONTROLLEN);
            int got = 0;
            if (length >= CMSG_HEADER && control.get(JAVA_INT, 8) == SOL_SOCKET
                    && control.get(JAVA_INT, 12) == SCM_RIGHTS) {
                got = (int) ((control.get(JAVA_LONG, 0) - CMSG_HEADER) / Integer.BYTES);
            }
            int n = at;
            for (int i = 0; i < got; i++) {
                int fd = control.get(JAVA_INT, CMSG_HEADER + (long) i * Integer.BYTES);
                if (n < fds.length) {
                    fds[n++] = fd;
                } else {
                    close(fd);
                }
            }
            boolean cut = (message.get(JAVA_INT, MSG_FLAGS) & MSG_CTRUNC) != 0;
            if (cut || got != expected || payload.get(JAVA_INT, 0) != got) {
                for (int i = at; i < n; i++) {
                    close(fds[i]);
                }
                throw new IOException("a message of fds held " + got + " where " + expected + " were expected"
                        + (cut ? " (cut by the kernel: this process is out of fds)" : ""));
            }
            return n;
        }
    }

    /** Closes {@code fd}, ignoring errors. */
    static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unexpected checked exception from close", t);
        }
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
    }
}
