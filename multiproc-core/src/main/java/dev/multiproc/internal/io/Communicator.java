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
 * <h2>A short child: waiting in the kernel</h2>
 * A wake-up through the event thread is one more hand-off between threads, which on a small
 * virtual machine costs more than its own microseconds (see {@code Child}). So for its first
 * {@link #DIRECT_NANOS}, once stdin is done, a platform thread polls its output pipes itself
 * instead of arming them and parking: a command that ends at once is read to its end with no
 * hand-off at all. The poll is only a hint of readiness (every read still goes through the
 * pipe's lock), so a pipe closed meanwhile by another thread costs at most a wasted round.
 * After that, or on a virtual thread (a poll would hold its carrier), it parks as above.
 *
 * <h2>State survives a timeout</h2>
 * {@link #pump} returns false at the deadline and keeps everything: the input offset, the
 * bytes read, which pipes ended. Calling it again goes on where it stopped and loses nothing.
 * An interrupt leaves the same state behind. A deadline that has already passed (a zero or
 * negative timeout) still gets one round, as {@code Process.waitFor(0, ...)} looks once.
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
    /** How long {@link #pump} polls its pipes itself on a platform thread before it parks. */
    static final long DIRECT_NANOS = 5_000_000L;

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
        this.stdinDone = stdin == null || stdin.fd().isClosed(); // closed at the child's reap: the child is gone
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
     * {@code deadlineNanos}: true when done, false at the deadline (call again to go on). A
     * deadline that has passed already still gets one round: what is there is moved.
     *
     * @throws InterruptedException if the thread is interrupted while it waits (its interrupt
     *     status is cleared); everything read so far is kept, as at a deadline
     * @throws IOException a plain one, as a stream's (see {@link Fd#plain}), if a pipe fails
     */
    public synchronized boolean pump(long deadlineNanos) throws IOException, InterruptedException {
        try {
            return pumpRounds(deadlineNanos);
        } catch (ErrnoException e) {
            throw Fd.plain(e);
        }
    }

    private boolean pumpRounds(long deadlineNanos) throws IOException, InterruptedException {
        Waker w = new Waker();
        waker = w;
        Thread self = Thread.currentThread();
        long directEnd = System.nanoTime() + (self.isVirtual() ? 0 : DIRECT_NANOS);
        try {
            while (true) {
                feed(w);
                boolean direct = stdinDone && System.nanoTime() - directEnd < 0 && !self.isInterrupted();
                List<Integer> blocked = new ArrayList<>(2);
                for (Drain d : drains) {
                    if (d != null && !d.done) {
                        drain(d, direct ? null : w, blocked);
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
                if (direct) {
                    pollDirectly(blocked, Math.min(until - System.nanoTime(), directEnd - System.nanoTime()));
                    if (until == deadlineNanos && deadlineNanos != Waker.NO_DEADLINE
                            && System.nanoTime() - deadlineNanos >= 0) {
                        return false;
                    }
                } else if (!w.awaitInterruptibly(until) && until == deadlineNanos) {
                    return false;
                }
            }
        } finally {
            waker = null;
        }
    }

    /** Waits up to {@code nanos} (at least a millisecond) for any of {@code fds} to be readable or hung up. */
    private static void pollDirectly(List<Integer> fds, long nanos) throws IOException {
        int[] numbers = fds.stream().mapToInt(Integer::intValue).toArray();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
        Fds.pollReadable(numbers, millis);
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

    /**
     * Reads what is there; if the pipe would block, arms it for {@code w}, or with no waker
     * (a direct poll) adds its number to {@code blocked}.
     */
    private static void drain(Drain d, Waker w, List<Integer> blocked) throws IOException {
        while (true) {
            MemorySegment free = d.sink.free();
            long n = d.pipe.readNow(free);
            if (n > 0) {
                d.sink.advance(n);
            } else if (n == 0) {
                d.done = true;
                d.pipe.close();
                return;
            } else if (w != null) {
                d.pipe.fd().arm(Epoll.EPOLLIN, w);
                return;
            } else {
                blocked.add(d.pipe.fd().number());
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
