package dev.multiproc.internal.io;

import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.posix.ErrnoException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * This JVM's write end of a pipe to a child: blocking writes over a non-blocking fd. A
 * child that closed its end makes writes fail with EPIPE ("Broken pipe"). Its failures are
 * plain {@link IOException}s, as a JDK stream's are (see {@link Fd#plain}).
 */
public final class PipeOutputStream extends OutputStream {
    private final Fd fd;
    private final Reclaimer.Cleanable cleanable;

    /** Takes {@code fd}; it is closed by {@link #close} or, if this stream is dropped, once it is unreachable. */
    public PipeOutputStream(Fd fd, Reclaimer reclaimer) {
        this.fd = fd;
        this.cleanable = reclaimer.register(this, fd::closeQuietly);
    }

    /** The fd underneath, for callers that wait on several pipes at once. */
    public Fd fd() {
        return fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** @throws IOException "Broken pipe" (EPIPE) once the child closed its end, as any failure a plain one */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        try {
            fd.writeFully(b, off, len);
        } catch (ErrnoException e) {
            throw Fd.plain(e);
        }
    }

    @Override
    public void close() throws IOException {
        cleanable.clean();
        try {
            fd.close();
        } catch (ErrnoException e) {
            throw Fd.plain(e);
        }
    }
}
