package dev.multiproc.internal.io;

import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * This JVM's read end of a pipe from a child: blocking reads over a non-blocking fd.
 *
 * <h2>Closed at the child's end, what it held kept</h2>
 * A pipe nobody took when its child is reaped is closed then, so that a child started and
 * waited for keeps no fd until the garbage collector finds its handle (the JDK's
 * {@code Process} does the same). What the pipe held at that moment is read first, without
 * waiting, and kept: later reads return it, then end of file ({@link #closeKeepingWhatIsThere}).
 * Only what was in the pipe is kept; a descendant that writes into it later writes into a
 * pipe nobody reads (EPIPE).
 *
 * <p>Its failures are plain {@link IOException}s, as a JDK stream's are (see {@link Fd#plain}).
 */
public final class PipeInputStream extends InputStream {
    private final Fd fd;
    private final Reclaimer.Cleanable cleanable;
    /** What the pipe held when it was closed at the child's reap; null while the fd serves reads. */
    private volatile ByteArrayInputStream kept;
    /** True once the caller closed this stream: reads then fail, as on any closed stream. */
    private volatile boolean closed;

    /** Takes {@code fd}; it is closed by {@link #close} or, if this stream is dropped, once it is unreachable. */
    public PipeInputStream(Fd fd, Reclaimer reclaimer) {
        this.fd = fd;
        this.cleanable = reclaimer.register(this, fd::closeQuietly);
    }

    /** The fd underneath, for callers that wait on several pipes at once. */
    public Fd fd() {
        return fd;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        MemorySegment target = MemorySegment.ofArray(b).asSlice(off, len);
        while (true) {
            long n = readNow(target);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            try {
                fd.await(Epoll.EPOLLIN, Waker.NO_DEADLINE);
            } catch (ErrnoException e) {
                throw Fd.plain(e);
            }
        }
    }

    /**
     * Reads what is there now into {@code target} without waiting: the count, 0 at end of
     * file, or {@link Fds#WOULD_BLOCK} if the pipe is empty but still open.
     */
    public long readNow(MemorySegment target) throws IOException {
        ensureOpen();
        ByteArrayInputStream k = kept;
        if (k == null) {
            try {
                return fd.read(target);
            } catch (ErrnoException e) {
                throw Fd.plain(e);
            }
        }
        byte[] chunk = new byte[(int) Math.min(target.byteSize(), k.available())];
        int n = k.read(chunk, 0, chunk.length);
        if (n <= 0) {
            return 0;
        }
        MemorySegment.copy(chunk, 0, target, ValueLayout.JAVA_BYTE, 0, n);
        return n;
    }

    /**
     * How many bytes a read returns now without waiting: what the pipe holds
     * ({@code FIONREAD}), or what is left of what was kept at the child's reap.
     *
     * @throws IOException "Stream closed" once this stream was closed, as {@code FileInputStream} does
     */
    @Override
    public int available() throws IOException {
        ensureOpen();
        ByteArrayInputStream k = kept;
        try {
            return k != null ? k.available() : fd.available();
        } catch (ErrnoException e) {
            throw Fd.plain(e);
        }
    }

    /**
     * Reads what the pipe holds now (as much as {@code FIONREAD} reports, so a writer that
     * keeps writing cannot keep this going), keeps it for later reads, and closes the fd:
     * for a pipe nobody took when its child was reaped. Never waits.
     */
    public void closeKeepingWhatIsThere() {
        if (closed || kept != null || fd.isClosed()) {
            return;
        }
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        try {
            int left = fd.available();
            byte[] buffer = new byte[Math.min(Math.max(left, 1), 64 * 1024)];
            while (left > 0) {
                long n = fd.read(MemorySegment.ofArray(buffer).asSlice(0, Math.min(left, buffer.length)));
                if (n <= 0) {
                    break;
                }
                held.write(buffer, 0, (int) n);
                left -= (int) n;
            }
        } catch (IOException e) {
            // closed meanwhile, or unreadable: keep what was read
        }
        kept = new ByteArrayInputStream(held.toByteArray());
        cleanable.clean();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cleanable.clean();
        try {
            fd.close();
        } catch (ErrnoException e) {
            throw Fd.plain(e);
        }
    }
}
