package dev.multiproc.internal.io;

import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Feeds a child's stdin and drains its output pipes at the same time, on the calling thread
 * alone: Python's {@code communicate}.
 *
 * <h2>Design</h2>
 * Every pipe is non-blocking. One round writes what fits, reads what is there, and arms
 * (one-shot) each pipe that would block; the thread then parks on one {@link Waker} that any
 * armed pipe, or the child's exit, fires. So a full pipe never deadlocks (everything moves at
 * once), and a thousand communicating callers cost no thread of ours.
 *
 * <h2>State survives a timeout</h2>
 * {@link #pump} returns false at the deadline and keeps everything: the input offset, the
 * bytes read, which pipes ended. Calling it again goes on where it stopped and loses nothing.
 *
 * <h2>A pipe held open by someone else</h2>
 * A descendant that inherited the child's stdout (a background job of a shell) keeps the
 * pipe open after the child exits, so end of file never comes. Once the child has exited,
 * pumping goes on for at most {@link #LINGER_NANOS} to collect what is in flight, then stops
 * and closes this JVM's ends (input not yet written is dropped); the holder sees EPIPE if it
 * writes again.
 */
public final class Communicator {
    /** How long output is still read after the child exited, waiting for end of file. */
    public static final long LINGER_NANOS = 250_000_000L;
    /** Pipes grow to this many bytes when they can, for fewer wake-ups on large transfers. */
    private static final int PIPE_SIZE = 1 << 20;

    private final PipeOutputStream stdin;
    private final byte[] input;
    private int inputOffset;
    private boolean stdinDone;
    private final List<Drain> drains = new ArrayList<>();
    private final CompletableFuture<?> childExit;
    private volatile Waker waker;
    private long lingerEnd = -1;

    private static final class Drain {
        final PipeInputStream pipe;
        final ByteSink sink = new ByteSink();
        boolean done;

        Drain(PipeInputStream pipe) {
            this.pipe = pipe;
        }
    }

    /**
     * @param stdin the child's stdin pipe, or null
     * @param input what to write to it before closing it (null or empty: just close it)
     * @param outputs the pipes to drain, in order; null entries are skipped
     * @param childExit completes when the child has exited
     */
    public Communicator(PipeOutputStream stdin, byte[] input, List<PipeInputStream> outputs,
                        CompletableFuture<?> childExit) {
        this.stdin = stdin;
        this.input = input == null ? new byte[0] : input;
        this.stdinDone = stdin == null;
        for (PipeInputStream out : outputs) {
            drains.add(out == null ? null : new Drain(out));
        }
        this.childExit = childExit;
        childExit.whenComplete((status, failure) -> {
            Waker w = waker;
            if (w != null) {
                w.fire();
            }
        });
        growPipes();
    }

    private void growPipes() {
        if (stdin != null) {
            stdin.fd().growPipe(PIPE_SIZE);
        }
        for (Drain d : drains) {
            if (d != null) {
                d.pipe.fd().growPipe(PIPE_SIZE);
            }
        }
    }

    /**
     * Moves data until stdin is fed and closed and every output pipe has ended, or until
     * {@code deadlineNanos}: true when done, false at the deadline (call again to go on).
     */
    public synchronized boolean pump(long deadlineNanos) throws IOException {
        Waker w = new Waker();
        waker = w;
        try {
            while (true) {
                feed(w);
                for (Drain d : drains) {
                    if (d != null && !d.done) {
                        drain(d, w);
                    }
                }
                if (finished()) {
                    return true;
                }
                if (childExit.isDone()) {
                    if (lingerEnd < 0) {
                        lingerEnd = System.nanoTime() + LINGER_NANOS;
                    }
                    if (System.nanoTime() - lingerEnd >= 0) {
                        close();
                        return true;
                    }
                }
                long until = lingerEnd >= 0 && lingerEnd - deadlineNanos < 0 ? lingerEnd : deadlineNanos;
                if (!w.await(until) && until == deadlineNanos) {
                    return false;
                }
            }
        } finally {
            waker = null;
        }
    }

    private boolean finished() {
        if (!stdinDone) {
            return false;
        }
        for (Drain d : drains) {
            if (d != null && !d.done) {
                return false;
            }
        }
        return true;
    }

    private void feed(Waker w) throws IOException {
        while (!stdinDone) {
            if (inputOffset == input.length) {
                closeStdin();
                return;
            }
            long n;
            try {
                n = stdin.fd().write(MemorySegment.ofArray(input).asSlice(inputOffset));
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EPIPE) {
                    throw e;
                }
                // The child closed its stdin: the rest of the input is dropped, as Python does.
                closeStdin();
                return;
            }
            if (n == Fds.WOULD_BLOCK) {
                stdin.fd().arm(Epoll.EPOLLOUT, w);
                return;
            }
            inputOffset += (int) n;
        }
    }

    private void closeStdin() throws IOException {
        stdinDone = true;
        stdin.close();
    }

    private static void drain(Drain d, Waker w) throws IOException {
        while (true) {
            MemorySegment free = d.sink.free();
            long n = d.pipe.fd().read(free);
            if (n > 0) {
                d.sink.advance(n);
            } else if (n == 0) {
                d.done = true;
                d.pipe.close();
                return;
            } else {
                d.pipe.fd().arm(Epoll.EPOLLIN, w);
                return;
            }
        }
    }

    private void abandonOutputs() throws IOException {
        for (Drain d : drains) {
            if (d != null && !d.done) {
                d.done = true;
                d.pipe.close();
            }
        }
    }

    /** What was read so far from the {@code index}-th output (empty for a null entry); not a copy. */
    public synchronized Bytes output(int index) {
        Drain d = drains.get(index);
        return d == null ? Bytes.EMPTY : d.sink.snapshot();
    }

    /** Stops: closes every pipe this JVM still holds (for a caller that gives up, or after a kill). */
    public synchronized void close() throws IOException {
        if (!stdinDone) {
            closeStdin();
        }
        abandonOutputs();
    }
}
