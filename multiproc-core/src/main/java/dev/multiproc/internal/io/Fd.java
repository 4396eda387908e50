package dev.multiproc.internal.io;

import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A non-blocking fd this JVM owns, such as its end of a pipe to a child.
 *
 * <h2>Waiting without a thread per fd</h2>
 * Reads and writes never block. When one would, the caller {@linkplain #arm arms} the fd:
 * a one-shot epoll registration whose handler fires the caller's {@link Waker}; the caller
 * parks. The event thread does the waiting for every fd at once, and a virtual thread parked
 * here holds no carrier.
 *
 * <h2>Closing</h2>
 * The fd number is used only under this object's lock, and {@link #close} takes the lock,
 * removes the fd from epoll, closes it and fires the current waker, so a parked reader wakes
 * and sees "closed" instead of using a number the kernel may already have handed out again.
 */
public final class Fd implements Closeable {
    private final int fd;
    private final EventLoop loop;
    private boolean closed;
    private long token = -1;
    private volatile Waker waker;

    public Fd(int fd, EventLoop loop) {
        this.fd = fd;
        this.loop = loop;
    }

    /**
     * The fd number: for logs, for handing to a child before this JVM closes it, and for a
     * brief {@code poll} that is only a hint (every read and write still goes through the lock).
     */
    public int number() {
        return fd;
    }

    /** Reads what is there: the count, 0 at end of file, or {@link Fds#WOULD_BLOCK}. */
    public long read(MemorySegment buffer) throws IOException {
        synchronized (this) {
            ensureOpen();
            return Fds.read(fd, buffer);
        }
    }

    /** Writes what fits: the count, or {@link Fds#WOULD_BLOCK}. */
    public long write(MemorySegment buffer) throws IOException {
        synchronized (this) {
            ensureOpen();
            return Fds.write(fd, buffer);
        }
    }

    /** How many bytes a read would return now without waiting ({@code FIONREAD}). */
    public int available() throws IOException {
        synchronized (this) {
            ensureOpen();
            return Fds.bytesReadable(fd);
        }
    }

    /**
     * Asks the kernel to let this pipe hold {@code bytes}, for fewer wake-ups on large
     * transfers; best effort (above the per-user pipe budget an unprivileged process is
     * refused, and the default size still works).
     */
    public void growPipe(int bytes) {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                Fds.fcntl(fd, Fds.F_SETPIPE_SZ, bytes);
            } catch (ErrnoException e) {
                // EPERM above the budget: the default size will do
            }
        }
    }

    /** Writes all of {@code b[off, off+len)}, parking whenever the pipe is full. */
    public void writeFully(byte[] b, int off, int len) throws IOException {
        MemorySegment source = MemorySegment.ofArray(b).asSlice(off, len);
        while (source.byteSize() > 0) {
            long n = write(source);
            if (n > 0) {
                source = source.asSlice(n);
            } else {
                await(Epoll.EPOLLOUT, Waker.NO_DEADLINE);
            }
        }
    }

    /** Asks the event loop to fire {@code waker} once the fd is ready for {@code events} (or hung up). */
    public void arm(int events, Waker waker) throws IOException {
        synchronized (this) {
            ensureOpen();
            this.waker = waker;
            int oneShot = events | Epoll.EPOLLONESHOT;
            if (token < 0) {
                token = loop.add(fd, oneShot, ready -> fireWaker());
            } else {
                loop.modify(fd, token, oneShot);
            }
        }
    }

    /** Parks until the fd is ready for {@code events}, or the deadline passes: false then. */
    public boolean await(int events, long deadlineNanos) throws IOException {
        Waker w = new Waker();
        arm(events, w);
        return w.await(deadlineNanos);
    }

    /** True once {@link #close} ran. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void fireWaker() {
        Waker w = waker;
        if (w != null) {
            w.fire();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
    }

    /**
     * What the caller of a stream gets for a failed call on a pipe: a plain {@link IOException}
     * with the call and its errno in the message (EPIPE, "Broken pipe", for a reader that is
     * gone), as a JDK stream throws it. The library's own exceptions stay inside it; this
     * class and {@link Communicator} throw them so that callers inside can tell an errno apart.
     */
    static IOException plain(ErrnoException e) {
        return new IOException(e.getMessage());
    }

    /** Closes, ignoring errors: for clean-up of a dropped stream. */
    public void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // nobody is left to tell
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (token >= 0) {
                loop.remove(fd, token);
            }
            try {
                Fds.close(fd);
            } finally {
                fireWaker();
            }
        }
    }
}
