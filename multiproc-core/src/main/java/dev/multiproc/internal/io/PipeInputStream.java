package dev.multiproc.internal.io;

import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Fds;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** This JVM's read end of a pipe from a child: blocking reads over a non-blocking fd. */
public final class PipeInputStream extends InputStream {
    private final Fd fd;
    private final Reclaimer.Cleanable cleanable;

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
            long n = fd.read(target);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            fd.await(Epoll.EPOLLIN, Waker.NO_DEADLINE);
        }
    }

    /**
     * Reads what is there now without waiting: the count, -1 at end of file, or 0 if the pipe
     * is empty but still open.
     */
    public int readNow(byte[] b, int off, int len) throws IOException {
        long n = fd.read(MemorySegment.ofArray(b).asSlice(off, len));
        return n == Fds.WOULD_BLOCK ? 0 : n == 0 ? -1 : (int) n;
    }

    @Override
    public void close() throws IOException {
        cleanable.clean();
        fd.close();
    }
}
