package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.UnixSockets;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * The bytes on their way to one worker, and the one writer that sends them.
 *
 * <p>Frames are appended under the pool's lock (so their order is the order jobs were given to
 * the worker) and under this object's monitor; {@link #send} is called after the pool's lock
 * is released, by the thread that appended. It writes what the pipe takes at once, without
 * blocking; if the pipe is full, a virtual thread parked on the engine's event loop writes the
 * rest. One writer at a time: a thread that finds another writing leaves its bytes to it.
 * Many frames appended between two sends go out in one {@code write}.
 *
 * <p>The fds a job carries go another way, over the worker's Unix socket ({@link #sendFds}), at
 * once and under the pool's lock, before the job's frame is appended: so they are in the socket
 * before the frame can be read, in the order of the frames.
 *
 * <p>Lock order: the pool's lock, then this monitor; never the other way round.
 */
final class Outbox {
    /** {@code <asm-generic/errno.h>}: too many fds in flight for this user. */
    private static final int ETOOMANYREFS = 109;

    private final Fd fd;
    /** The socket of fds (see {@code WorkerJvm#fdSocket}): -1 once closed; read under the pool's lock. */
    private final IntSupplier fdSocket;
    private WireBuffer pending = new WireBuffer(1 << 12);
    private WireBuffer spare = new WireBuffer(1 << 12);
    private boolean writing;
    private boolean closeWhenDrained;
    private boolean closed;

    Outbox(Fd fd) {
        this(fd, () -> -1);
    }

    Outbox(Fd fd, IntSupplier fdSocket) {
        this.fd = fd;
        this.fdSocket = fdSocket;
    }

    /** Why the fds of a job could not be sent. */
    static final class FdsNotSent extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean workerGone;

        FdsNotSent(String message, boolean workerGone, Throwable cause) {
            super(message, cause);
            this.workerGone = workerGone;
        }

        /** True if the worker is gone (its end of the socket is closed): its death is the job's story. */
        boolean workerGone() {
            return workerGone;
        }

        /** The job's failure, when the worker is not gone. */
        MultiprocException failure() {
            return new MultiprocException(getMessage(), getCause());
        }
    }

    /**
     * Sends {@code fds} over the worker's socket now, without waiting, in messages of at most
     * {@link UnixSockets#MAX_FDS_PER_MESSAGE}; under the pool's lock.
     *
     * @throws FdsNotSent if they could not all be sent: the worker is gone (EPIPE, ECONNRESET, no
     *     socket), or its socket is full (EAGAIN) or this user has too many fds in flight
     *     (ETOOMANYREFS). After a part was sent the socket is out of step, so that counts as gone.
     */
    void sendFds(int[] fds, String worker) throws FdsNotSent {
        int socket = fdSocket.getAsInt();
        if (socket < 0) {
            throw new FdsNotSent("cannot send the fds of a job to " + worker + ": its socket is closed", true, null);
        }
        int sent = 0;
        try {
            while (sent < fds.length) {
                int n = Math.min(UnixSockets.MAX_FDS_PER_MESSAGE, fds.length - sent);
                UnixSockets.sendFds(socket, Arrays.copyOfRange(fds, sent, sent + n));
                sent += n;
            }
        } catch (ErrnoException e) {
            boolean gone = sent > 0 || !(e.errno() == Errno.EAGAIN || e.errno() == ETOOMANYREFS);
            throw new FdsNotSent("cannot send the " + fds.length + " file descriptors of a job to " + worker + ": "
                    + e.getMessage() + (e.errno() == Errno.EAGAIN ? " (its socket is full)" : ""), gone, e);
        }
    }

    /** The buffer to append frames to; hold this object's monitor while appending. */
    WireBuffer buffer() {
        return pending;
    }

    /** Appends a frame whose payload is one int (SKIP, FORGET); call {@link #send} after. */
    synchronized void appendInt(byte type, int value) {
        int at = pending.beginFrame(type, Protocol.NO_JOB);
        pending.putInt(value);
        pending.endFrame(at);
    }

    /** How many bytes wait to be written. */
    synchronized int backlog() {
        return pending.length();
    }

    /** Closes the pipe (the worker's end of file) once everything appended so far is written. */
    void closeWhenDrained() {
        synchronized (this) {
            closeWhenDrained = true;
        }
        send();
    }

    /** Writes what is pending, unless another thread is writing already. */
    void send() {
        synchronized (this) {
            if (writing || closed) {
                return;
            }
            writing = true;
        }
        drain();
    }

    private void drain() {
        while (true) {
            WireBuffer data;
            synchronized (this) {
                if (pending.length() == 0) {
                    writing = false;
                    if (closeWhenDrained && !closed) {
                        closed = true;
                        fd.closeQuietly();
                    }
                    return;
                }
                data = pending;
                pending = spare;
                spare = data;
            }
            MemorySegment bytes = MemorySegment.ofArray(data.array()).asSlice(0, data.length());
            try {
                long n = fd.write(bytes);
                if (n != bytes.byteSize()) {
                    int done = n == Fds.WOULD_BLOCK ? 0 : (int) n;
                    Thread.ofVirtual().name("multiproc-pool-writer").start(() -> finish(data, done));
                    return;
                }
            } catch (IOException e) {
                dropAll();
                return;
            }
            synchronized (this) {
                data.clear();
            }
        }
    }

    /** On a virtual thread: writes the rest of {@code data}, parking while the pipe is full, then goes on. */
    private void finish(WireBuffer data, int done) {
        try {
            fd.writeFully(data.array(), done, data.length() - done);
        } catch (IOException e) {
            dropAll();
            return;
        }
        synchronized (this) {
            data.clear();
        }
        drain();
    }

    /** The worker is gone: nothing more can be written; its jobs are the pool's business. */
    private void dropAll() {
        synchronized (this) {
            pending.clear();
            closed = true;
            writing = false;
        }
        fd.closeQuietly();
    }

    /** Closes the pipe now, dropping what is pending. */
    void close() {
        dropAll();
    }
}
