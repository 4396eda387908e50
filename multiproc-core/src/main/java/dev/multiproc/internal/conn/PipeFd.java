package dev.multiproc.internal.conn;

import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Poll;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One non-blocking pipe fd of a connection's end: the read end it receives on or the write end
 * it sends on.
 *
 * <h2>Waiting</h2>
 * A read or write never blocks; when one would, the caller {@linkplain #await waits} for the fd:
 * <ul>
 *   <li>a <b>platform thread</b> first waits in {@code poll(2)} itself, for up to
 *   {@link #DIRECT_NANOS}: the kernel wakes it when the peer writes, with no hand-off through
 *   the event thread, which on a small machine costs more than the round trip it delays (the
 *   same reason a platform thread in {@code waitFor} polls its child's pidfd). Past that it parks
 *   as a virtual thread does, so an interrupt is noticed at most that late;</li>
 *   <li>a <b>virtual thread</b> parks at once: the fd is armed on the engine's event loop (a
 *   one-shot epoll registration) and the event thread unparks it, so it holds no carrier.</li>
 * </ul>
 * Any number of threads may watch the fd at once (one in {@code recv}, others in
 * {@code waitReady} or {@code poll}): each registers a callback, and the one epoll registration
 * fires them all; those still interested register again.
 *
 * <h2>Closing</h2>
 * The number is used for reads and writes only under {@link #lock}, and {@link #close} takes it,
 * removes the fd from epoll, closes it and runs every callback, so a parked thread wakes and sees
 * {@link #CLOSED}. The direct {@code poll} uses the number outside the lock, as a hint only: a
 * number closed and reused meanwhile makes it return early or late, never makes a read or
 * write reach another file.
 */
final class PipeFd {
    /** What {@link #read} and {@link #write} return once this fd was closed here. */
    static final long CLOSED = -2;
    /** What {@link #write} returns when nothing reads the pipe any more (EPIPE). */
    static final long BROKEN = -3;
    /** How long a platform thread waits in {@code poll(2)} itself before it parks on the event loop. */
    static final long DIRECT_NANOS = 5_000_000;

    private final int fd;
    private final boolean reading;
    private final Object lock = new Object();
    private final List<Runnable> watchers = new ArrayList<>();
    private boolean closed;
    private EventLoop loop;
    private long token = -1;
    private boolean armed;

    /** {@code fd}, non-blocking, that this end reads from ({@code reading}) or writes to. */
    PipeFd(int fd, boolean reading) {
        this.fd = fd;
        this.reading = reading;
    }

    /** The fd number here (for handing it to another process). */
    int number() {
        return fd;
    }

    /** Reads what is there into {@code buffer}: the count, 0 at end of file, {@link Fds#WOULD_BLOCK} or {@link #CLOSED}. */
    long read(MemorySegment buffer) throws ErrnoException {
        synchronized (lock) {
            return closed ? CLOSED : Fds.read(fd, buffer);
        }
    }

    /** Writes what fits of {@code buffer}: the count, {@link Fds#WOULD_BLOCK}, {@link #BROKEN} or {@link #CLOSED}. */
    long write(MemorySegment buffer) throws ErrnoException {
        synchronized (lock) {
            if (closed) {
                return CLOSED;
            }
            try {
                return Fds.write(fd, buffer);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EPIPE) {
                    return BROKEN;
                }
                throw e;
            }
        }
    }

    /** Asks the kernel to let the pipe hold {@code bytes}; best effort. */
    void grow(int bytes) {
        synchronized (lock) {
            if (!closed) {
                try {
                    Fds.fcntl(fd, Fds.F_SETPIPE_SZ, bytes);
                } catch (ErrnoException e) {
                    // EPERM above the user's pipe budget: the default size still works
                }
            }
        }
    }

    /** True once {@link #close} ran. */
    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * True if a read (a write) would not block now: data or end of file (room, or no reader),
     * or this fd was closed here. Never blocks.
     */
    boolean readyNow() throws ErrnoException {
        int n;
        synchronized (lock) {
            if (closed) {
                return true;
            }
            n = fd;
        }
        return Poll.poll(n, reading ? Poll.POLLIN : Poll.POLLOUT, 0) != 0;
    }

    /**
     * Waits until the fd may be ready (see the class comment) or {@code deadlineNanos} passes
     * ({@link Waker#NO_DEADLINE}: never): false then. A true return is a hint; the caller tries
     * again.
     *
     * @throws InterruptedException if the thread is interrupted (its status is cleared)
     */
    boolean await(long deadlineNanos) throws InterruptedException, ErrnoException {
        if (!Thread.currentThread().isVirtual()) {
            long now = System.nanoTime();
            long directUntil = deadlineNanos - now < DIRECT_NANOS ? deadlineNanos : now + DIRECT_NANOS;
            while (true) {
                int n;
                synchronized (lock) {
                    if (closed) {
                        return true;
                    }
                    n = fd;
                }
                long left = directUntil - now;
                if (left <= 0) {
                    break;
                }
                int revents = Poll.poll(n, reading ? Poll.POLLIN : Poll.POLLOUT, (int) ((left + 999_999) / 1_000_000));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (revents != 0) {
                    return true;
                }
                now = System.nanoTime();
            }
            if (deadlineNanos != Waker.NO_DEADLINE && deadlineNanos - now <= 0) {
                return false;
            }
        }
        Waker waker = new Waker();
        Readiness.Watch watch = watch(waker::fire);
        try {
            return waker.awaitInterruptibly(deadlineNanos);
        } finally {
            watch.cancel();
        }
    }

    /**
     * Runs {@code wake} once the fd may be ready (or is closed), from the event thread, or at
     * once if it is closed already; see {@link Readiness#watch}.
     */
    Readiness.Watch watch(Runnable wake) {
        synchronized (lock) {
            if (!closed) {
                watchers.add(wake);
                if (!armed) {
                    arm();
                }
                return () -> {
                    synchronized (lock) {
                        watchers.remove(wake);
                    }
                };
            }
        }
        wake.run();
        return () -> { };
    }

    private void arm() {
        int events = (reading ? Epoll.EPOLLIN : Epoll.EPOLLOUT) | Epoll.EPOLLONESHOT;
        try {
            if (token < 0) {
                loop = Engine.get().loop();
                token = loop.add(fd, events, ready -> fired());
            } else {
                loop.modify(fd, token, events);
            }
            armed = true;
        } catch (ErrnoException e) {
            // Not pollable any more (it cannot be: the fd is open under the lock): wake the
            // watchers so that their next read or write reports what is wrong.
            List<Runnable> toWake = List.copyOf(watchers);
            watchers.clear();
            toWake.forEach(Runnable::run);
        }
    }

    private void fired() {
        List<Runnable> toWake;
        synchronized (lock) {
            armed = false;
            toWake = List.copyOf(watchers);
            watchers.clear();
        }
        toWake.forEach(Runnable::run);
    }

    /** Closes the fd here; every thread that waits for it wakes. Later calls do nothing. */
    void close() {
        List<Runnable> toWake;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (token >= 0) {
                loop.remove(fd, token);
            }
            Fds.closeQuietly(fd);
            toWake = List.copyOf(watchers);
            watchers.clear();
        }
        toWake.forEach(Runnable::run);
    }
}
