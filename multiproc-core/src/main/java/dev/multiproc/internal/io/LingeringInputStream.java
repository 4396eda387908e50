package dev.multiproc.internal.io;

import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A child's stdout or stderr for the streaming readers (line streams, line and chunk
 * callbacks): read to end of file, as long as the child runs; once it has exited, a read that
 * finds the pipe empty waits at most {@link Communicator#LINGER_NANOS} for end of file, then
 * closes the pipe and reports end of file. That is the rule of {@code communicate}: a
 * descendant that inherited the pipe and keeps it open (a shell's background job) must not
 * keep the stream going for as long as it lives. Unlike {@code communicate}, what is already
 * in the pipe is always read first, however slowly the consumer takes it: the child's own
 * output is never cut off.
 */
public final class LingeringInputStream extends InputStream {
    private static final long RUNNING = Long.MIN_VALUE;

    private final PipeInputStream pipe;
    /** When reading an empty pipe stops ({@link System#nanoTime}); {@link #RUNNING} until the child exits. */
    private volatile long lingerEnd = RUNNING;
    /** The waker of the read parked now, fired when the child exits so that its deadline starts. */
    private volatile Waker waker;
    private volatile boolean ended;

    /** Reads {@code pipe}, whose child's exit completes {@code childExit}. */
    public LingeringInputStream(PipeInputStream pipe, CompletableFuture<?> childExit) {
        this.pipe = pipe;
        childExit.whenComplete((status, failure) -> {
            lingerEnd = System.nanoTime() + Communicator.LINGER_NANOS;
            Waker w = waker;
            if (w != null) {
                w.fire();
            }
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        MemorySegment target = MemorySegment.ofArray(b).asSlice(off, len);
        while (!ended) {
            long n = pipe.readNow(target);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                ended = true;
                break;
            }
            long end = lingerEnd;
            if (end != RUNNING && System.nanoTime() - end >= 0) {
                ended = true;
                pipe.close();
                break;
            }
            Waker w = new Waker();
            waker = w;
            try {
                pipe.fd().arm(Epoll.EPOLLIN, w);
                if (lingerEnd == end) { // else the child exited meanwhile: look again with its deadline
                    w.await(end == RUNNING ? Waker.NO_DEADLINE : end);
                }
            } catch (ErrnoException e) {
                throw Fd.plain(e);
            } finally {
                waker = null;
            }
        }
        return -1;
    }

    /** What a read returns now without waiting; 0 once this stream has ended. */
    @Override
    public int available() throws IOException {
        return ended ? 0 : pipe.available();
    }

    @Override
    public void close() throws IOException {
        pipe.close();
    }
}
