package dev.multiproc.internal.pool;

import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

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
 * <p>Lock order: the pool's lock, then this monitor; never the other way round.
 */
final class Outbox {
    private final Fd fd;
    private WireBuffer pending = new WireBuffer(1 << 12);
    private WireBuffer spare = new WireBuffer(1 << 12);
    private boolean writing;
    private boolean closeWhenDrained;
    private boolean closed;

    Outbox(Fd fd) {
        this.fd = fd;
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
