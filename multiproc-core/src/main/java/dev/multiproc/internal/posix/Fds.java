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
 * File-descriptor calls: {@code pipe2}, {@code open}, {@code read}, {@code write}, {@code fcntl},
 * {@code ioctl}, {@code close}.
 */
public final class Fds {
    // <fcntl.h>, the same values on x86_64 and aarch64
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;
    public static final int FD_CLOEXEC = 1;
    // <poll.h>
    public static final short POLLIN = 0x001;
    // <asm-generic/ioctls.h>, which x86_64 and aarch64 both use
    public static final long FIONREAD = 0x541B;

    /** What {@link #read} and {@link #write} return when a non-blocking fd is not ready. */
    public static final long WOULD_BLOCK = -1;

    private static final MethodHandle PIPE2 = Native.downcall("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = Native.variadic("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle CLOSE = Native.downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Native.critical("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.critical("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = Native.downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = Native.downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FCNTL = Native.variadic("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle IOCTL = Native.variadic("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);

    private Fds() {}

    /** {@code pipe2(2)}: returns {@code {readEnd, writeEnd}}. */
    public static int[] pipe2(int flags) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int r;
            try {
                r = (int) PIPE2.invokeExact(state, fds, flags);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r != 0) {
                throw new ErrnoException("pipe2(flags=0x" + Integer.toHexString(flags) + ")",
                        Native.errno(state));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** {@code open(2)}: returns the new fd. */
    public static int open(String path, int flags, int mode) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            int fd;
            try {
                fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (fd < 0) {
                throw new ErrnoException("open(\"" + path + "\", flags=0x"
                        + Integer.toHexString(flags) + ")", Native.errno(state));
            }
            return fd;
        }
    }

    /** {@code close(2)}. EINTR counts as closed, as it does on Linux. */
    public static void close(int fd) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0 && Native.errno(state) != Errno.EINTR) {
            throw new ErrnoException("close(fd=" + fd + ")", Native.errno(state));
        }
    }

    /**
     * {@code read(2)} on a non-blocking fd into {@code buffer} (heap or native): the count
     * read, 0 at end of file, or {@link #WOULD_BLOCK}.
     */
    public static long read(int fd, MemorySegment buffer) throws ErrnoException {
        MemorySegment state = Native.callState();
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Errno.EINTR) {
                throw new ErrnoException("read(fd=" + fd + ", count=" + buffer.byteSize() + ")", errno);
            }
        }
    }

    /**
     * {@code write(2)} on a non-blocking fd from {@code buffer} (heap or native): the count
     * written, or {@link #WOULD_BLOCK}.
     */
    public static long write(int fd, MemorySegment buffer) throws ErrnoException {
        MemorySegment state = Native.callState();
        while (true) {
            long n;
            try {
                n = (long) WRITE.invokeExact(state, fd, buffer, buffer.byteSize());
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Errno.EINTR) {
                throw new ErrnoException("write(fd=" + fd + ", count=" + buffer.byteSize() + ")", errno);
            }
        }
    }

    /** {@code fcntl(2)} with an int argument; returns the call's result. */
    public static int fcntl(int fd, int command, int argument) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) FCNTL.invokeExact(state, fd, command, argument);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("fcntl(fd=" + fd + ", cmd=" + command + ", arg=" + argument + ")",
                    Native.errno(state));
        }
        return r;
    }

    /**
     * {@code ioctl(2)} with a pointer argument ({@code argument}, native memory the call reads
     * or fills); returns the call's result.
     */
    public static int ioctl(int fd, long request, MemorySegment argument, String name) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) IOCTL.invokeExact(state, fd, request, argument);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("ioctl(fd=" + fd + ", " + name + ")", Native.errno(state));
        }
        return r;
    }

    /** {@code ioctl(fd, FIONREAD)}: how many bytes a pipe holds that a read would return now. */
    public static int bytesReadable(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            ioctl(fd, FIONREAD, count, "FIONREAD");
            return count.get(JAVA_INT, 0);
        }
    }

    /** {@code eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)}: a counter other threads can wake a poller with. */
    public static int eventfd() throws ErrnoException {
        MemorySegment state = Native.callState();
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(state, 0, O_CLOEXEC | O_NONBLOCK);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) {
            throw new ErrnoException("eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK)", Native.errno(state));
        }
        return fd;
    }

    /**
     * {@code poll(2)} for input on {@code fds}, blocking the calling thread up to
     * {@code timeoutMillis} (-1: no limit): how many of them are readable. A pidfd is
     * readable once its process has exited.
     */
    public static int pollReadable(int[] fds, int timeoutMillis) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfds = arena.allocate(8L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) {
                pollfds.set(JAVA_INT, 8L * i, fds[i]);
                pollfds.set(JAVA_SHORT, 8L * i + 4, POLLIN);
            }
            int n;
            try {
                n = (int) POLL.invokeExact(state, pollfds, (long) fds.length, timeoutMillis);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (n < 0 && Native.errno(state) != Errno.EINTR) {
                throw new ErrnoException("poll(nfds=" + fds.length + ", timeout=" + timeoutMillis + ")",
                        Native.errno(state));
            }
            return Math.max(n, 0);
        }
    }

    /** Sets {@code O_NONBLOCK} on the open file description of {@code fd}. */
    public static void setNonBlocking(int fd) throws ErrnoException {
        int flags = fcntl(fd, F_GETFL, 0);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }

    /** Closes {@code fd} if it is not negative, ignoring errors: for clean-up paths only. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                close(fd);
            } catch (ErrnoException ignored) {
                // Clean-up after another failure: the first error is the one to report.
            }
        }
    }
}
