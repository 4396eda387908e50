package dev.multiproc.internal.conn;

import dev.multiproc.ConnectionClosedException;
import dev.multiproc.MultiprocException;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.SerialLimits;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a pipe connection: the fd it receives on, the fd it sends on (one of them absent
 * for a one-way pipe's end), the framing of messages, and who holds the other end.
 *
 * <h2>Two pipes, not a socket</h2>
 * A duplex connection is two pipes, one each way: a pipe round trip is cheaper than a socketpair's
 * here, and a socket is needed only to pass fds, which a connection never does. Both fds are
 * non-blocking; waiting is {@link PipeFd}'s.
 *
 * <h2>Threads</h2>
 * Any number of threads may send and receive: one lock per direction keeps each message whole
 * (a message larger than the pipe takes many writes) and hands each message to one receiver. A
 * send that has written a first byte finishes its message even if its thread is interrupted
 * (the interrupt status stays set): half a message would break the stream for the receiver.
 *
 * <h2>The other end</h2>
 * When an end is handed to a child JVM with a task ({@link #handedOver}), this JVM closes its copy
 * of the fds (so end of file comes when that child is done: no forked copy of a write end keeps
 * it open, Python's classic hang) and the end that stays here ({@link #sibling}) learns the child;
 * its end of file or broken pipe then reports the child's exit status, awaited for a moment
 * ({@link Peer}).
 */
public final class Channel {
    /** What {@link #receive} returns when the deadline passed first. */
    public static final Object NOTHING = new Object();
    /** The largest pipe a large message asks the kernel for. */
    static final int LARGE_PIPE = 1 << 20;

    private final PipeFd in;
    private final PipeFd out;
    private final ReentrantLock receiving = new ReentrantLock();
    private final ReentrantLock sending = new ReentrantLock();
    private final Inbox inbox;
    private final Outbox outbox;
    private final Peer peer = new Peer();
    private volatile Channel sibling;
    /** Why this end can no longer be used here, or null while it is open. */
    private volatile String gone;
    /** End of file was read (guarded by {@link #receiving}). */
    private boolean endOfFile;
    private boolean grown;
    /** Bytes of the message being sent that are in the pipe (guarded by {@link #sending}). */
    private long sentOfMessage;

    private Channel(int inFd, int outFd, SerialLimits limits) {
        this.in = inFd < 0 ? null : new PipeFd(inFd, true);
        this.out = outFd < 0 ? null : new PipeFd(outFd, false);
        this.inbox = in == null ? null : new Inbox(limits);
        this.outbox = out == null ? null : new Outbox(limits.maxBytes());
    }

    /**
     * The two ends of a new pipe connection: each sends to the other if {@code duplex}, else the
     * first only receives and the second only sends.
     *
     * @throws MultiprocException if the pipes cannot be made (out of fds); nothing is left open
     */
    public static Channel[] pair(boolean duplex) {
        SerialLimits limits = SerialLimits.defaults();
        int[] a = pipe();
        int[] b;
        try {
            b = duplex ? pipe() : new int[] {-1, -1};
        } catch (RuntimeException e) {
            Fds.closeQuietly(a[0]);
            Fds.closeQuietly(a[1]);
            throw e;
        }
        // a: left receives from right; b: right receives from left
        Channel left = new Channel(a[0], b[1], limits);
        Channel right = new Channel(b[0], a[1], limits);
        left.sibling = right;
        right.sibling = left;
        return new Channel[] {left, right};
    }

    private static int[] pipe() {
        try {
            return Fds.pipe2(Fds.O_NONBLOCK | Fds.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw new MultiprocException("cannot make a pipe for a connection: " + e.getMessage(), e);
        }
    }

    /**
     * An end that arrived in this process with a task: {@code inFd} and {@code outFd} (-1 for
     * none) are its inherited fds, which are made close-on-exec here so that this process's own
     * children do not inherit them.
     */
    public static Channel arrived(int inFd, int outFd) {
        for (int fd : new int[] {inFd, outFd}) {
            if (fd >= 0) {
                try {
                    Fds.fcntl(fd, Fds.F_SETFD, Fds.FD_CLOEXEC);
                } catch (ErrnoException e) {
                    throw new MultiprocException("a connection's fd " + fd + " did not arrive: " + e.getMessage(), e);
                }
            }
        }
        return new Channel(inFd, outFd, SerialLimits.defaults());
    }

    /** True if this end receives. */
    public boolean receives() {
        return in != null;
    }

    /** True if this end sends. */
    public boolean sends() {
        return out != null;
    }

    /** The fd this end receives on here, or -1. */
    public int inFd() {
        return in == null ? -1 : in.number();
    }

    /** The fd this end sends on here, or -1. */
    public int outFd() {
        return out == null ? -1 : out.number();
    }

    /**
     * Sends {@code value} as one message, waiting while the pipe is full.
     *
     * @throws IllegalArgumentException if it cannot be serialized (naming the way to what is
     *     not) or is over the limit; nothing is sent then
     * @throws ConnectionClosedException if the other end is gone, or this end was closed
     * @throws InterruptedException if interrupted before the first byte went out
     */
    public void send(Object value) throws InterruptedException {
        sending.lockInterruptibly();
        try {
            checkOpen();
            if (value instanceof byte[] array && array.length >= Outbox.DIRECT_BYTES) {
                byte[] header = outbox.bytesHeader(array);
                long total = (long) header.length + array.length;
                begin(total);
                writeAll(header, header.length, total);
                writeAll(array, array.length, total);
            } else {
                outbox.encode(value);
                begin(outbox.frameLength());
                writeAll(outbox.frame(), outbox.frameLength(), outbox.frameLength());
            }
        } finally {
            sending.unlock();
        }
    }

    private void begin(long total) {
        sentOfMessage = 0;
        if (total > Inbox.CAPACITY && !grown) {
            grown = true;
            out.grow(LARGE_PIPE);
        }
    }

    private void writeAll(byte[] bytes, int length, long total) throws InterruptedException {
        MemorySegment rest = MemorySegment.ofArray(bytes).asSlice(0, length);
        boolean interrupted = false;
        try {
            while (rest.byteSize() > 0) {
                long n = out.write(rest);
                if (n > 0) {
                    rest = rest.asSlice(n);
                    sentOfMessage += n;
                } else if (n == PipeFd.BROKEN) {
                    throw peer.closed(sentOfMessage == 0 ? null
                            : "this end's message was cut after " + sentOfMessage + " of " + total + " bytes");
                } else if (n == PipeFd.CLOSED) {
                    throw closedHere();
                } else {
                    try {
                        out.await(Waker.NO_DEADLINE);
                    } catch (InterruptedException e) {
                        if (sentOfMessage == 0) {
                            throw e;
                        }
                        interrupted = true;
                    }
                }
            }
        } catch (ErrnoException e) {
            throw new MultiprocException("sending on a connection failed: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The next message, or {@link #NOTHING} if none came whole by {@code deadlineNanos}
     * ({@link Waker#NO_DEADLINE}: wait for ever); what arrived of it stays for the next call.
     *
     * @param bytesOnly refuse a message that is not a {@code byte[]} (it stays for the next call)
     * @throws ConnectionClosedException if the other end is gone (a message it cut short is dropped
     *     and the message says so), or this end was closed
     * @throws IllegalStateException if {@code bytesOnly} and the next message is not bytes
     * @throws MultiprocException if the message cannot be read here (it is dropped), or the
     *     stream is corrupted (the end is closed)
     */
    public Object receive(long deadlineNanos, boolean bytesOnly) throws InterruptedException {
        if (!lock(receiving, deadlineNanos)) {
            return NOTHING;
        }
        try {
            while (true) {
                checkOpen();
                Object value = take(bytesOnly);
                if (value != Inbox.INCOMPLETE) {
                    return value;
                }
                if (endOfFile) {
                    throw peer.closed(null);
                }
                long n = in.read(inbox.room());
                if (n > 0) {
                    inbox.filled((int) n);
                } else if (n == 0) {
                    endOfFile = true;
                    String cut = inbox.holdsAny() ? inbox.partDescription() : null;
                    inbox.drop();
                    throw peer.closed(cut == null ? null : "its last message was cut after " + cut + " and is dropped");
                } else if (n == PipeFd.CLOSED) {
                    throw closedHere();
                } else if (!in.await(deadlineNanos)) {
                    return NOTHING;
                }
            }
        } catch (ErrnoException e) {
            throw new MultiprocException("receiving on a connection failed: " + e.getMessage(), e);
        } finally {
            receiving.unlock();
        }
    }

    private Object take(boolean bytesOnly) {
        try {
            return inbox.take(bytesOnly);
        } catch (Inbox.NotBytes e) {
            throw new IllegalStateException(e.getMessage());
        } catch (Inbox.Corrupt e) {
            close("its stream was corrupted");
            throw new MultiprocException("the connection is corrupted, and closed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MultiprocException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * True as soon as a message (or end of file) is there to receive, false if none is by
     * {@code deadlineNanos}.
     *
     * @throws ConnectionClosedException if this end was closed
     */
    public boolean poll(long deadlineNanos) throws InterruptedException {
        Readiness readiness = readiness();
        while (true) {
            checkOpen();
            if (readiness.isReady()) {
                return true;
            }
            try {
                if (!in.await(deadlineNanos)) {
                    return false;
                }
            } catch (ErrnoException e) {
                throw new MultiprocException("waiting on a connection failed: " + e.getMessage(), e);
            }
        }
    }

    /** Whether this end has something to receive, for a wait over many objects. */
    public Readiness readiness() {
        return new Readiness() {
            @Override
            public boolean isReady() {
                if (gone != null) {
                    return true;
                }
                if (receiving.tryLock()) {
                    try {
                        if (endOfFile || inbox.holdsMessage()) {
                            return true;
                        }
                    } finally {
                        receiving.unlock();
                    }
                }
                try {
                    return in.readyNow();
                } catch (ErrnoException e) {
                    return true; // the next receive reports it
                }
            }

            @Override
            public Watch watch(Runnable wake) {
                return in.watch(wake);
            }
        };
    }

    /** Closes this end here; threads waiting on it wake and throw. Later calls do nothing. */
    public void close() {
        close("this end was closed");
    }

    private void close(String why) {
        if (gone == null) {
            gone = why;
        }
        if (in != null) {
            in.close();
        }
        if (out != null) {
            out.close();
        }
    }

    /** True once this end cannot be used here any more. */
    public boolean isClosed() {
        return gone != null;
    }

    /** Why this end cannot be used here any more, or null while it is open. */
    public String whyClosed() {
        return gone;
    }

    /**
     * This end's fds went to process {@code pid} with a task and belong to it now: closes them
     * here, and tells the end that stays here which process holds its other end.
     */
    public void handedOver(long pid) {
        close(pid < 0 ? "this end was handed to another process with a task and belongs to it now"
                : "this end was handed to process " + pid + " with a task and belongs to it now");
        Channel s = sibling;
        if (s != null && pid > 0) {
            s.peer.is(pid);
        }
    }

    private void checkOpen() {
        String why = gone;
        if (why != null) {
            throw closedHere();
        }
    }

    private ConnectionClosedException closedHere() {
        return new ConnectionClosedException("the connection cannot be used here: " + gone, null);
    }

    private static boolean lock(ReentrantLock lock, long deadlineNanos) throws InterruptedException {
        if (deadlineNanos == Waker.NO_DEADLINE) {
            lock.lockInterruptibly();
            return true;
        }
        return lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
