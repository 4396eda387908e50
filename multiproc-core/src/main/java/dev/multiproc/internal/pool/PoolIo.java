package dev.multiproc.internal.pool;

import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's one thread: it waits on an epoll set of its own for the pipes it watches (the
 * workers' answers) and for wake-ups (events posted to the pool: a worker's exit, a deadline),
 * takes each turn through its {@link Turn} callback, and then runs what the turn left to do
 * after it (delivering the outcomes) itself.
 *
 * <h2>Why a thread of its own</h2>
 * A wake-up of a parked thread costs tens of microseconds on a virtual machine when the thread
 * sleeps on another CPU. Reading answers with virtual threads parked on the engine's event loop
 * would cost two hand-offs (event thread, then the reader's carrier) before the future is
 * completed; this thread is woken by the kernel straight from the worker's {@code write} and
 * completes the future itself, so the only hand-off left is to the thread waiting in
 * {@code get()}. One thread per pool, whatever its number of workers and tasks.
 *
 * <h2>Stages that block</h2>
 * Completing a future runs the stages that depend on it, on this thread. A stage that blocks
 * (worse: waits for another task of the same pool) would hold every answer up. So while it
 * delivers, this thread records since when; a check on the engine's timer finds a delivery
 * that lasted more than {@link #STUCK_NANOS} and hands the reading over to a new thread. The
 * old one ends when its stage returns. Only one thread reads at a time: the old one has
 * finished reading before it delivers.
 *
 * <h2>Errands, not threads</h2>
 * Starting a replacement worker takes milliseconds (a spawn), too long to hold the lock for, so
 * it runs here after the turn, outside the lock ({@link #errand}). Not on a thread started for
 * it: when the machine is short of processes a JVM cannot create threads either, and a virtual
 * thread then waits for ever for a carrier, together with every thread queued behind it on the
 * pool's lock. The pool's faults are handled by this thread and the engine's event thread
 * alone, so a pool outlives a shortage it could not have started in.
 *
 * @param <T> what a watched pipe stands for (a worker)
 */
final class PoolIo<T> {
    private static final long STUCK_NANOS = 500_000_000L;
    private static final long WAKE_TOKEN = 0;

    /** One turn, on the pool's thread. */
    @FunctionalInterface
    interface Turn<T> {
        /**
         * Takes a turn: {@code readable} are the watched pipes that have something to read (none
         * if only woken). Returns what to do after the turn, which may take long (deliveries).
         */
        Runnable take(List<T> readable);
    }

    /** A watched pipe: its fd, and what it stands for. */
    private record Watched<T>(int fd, T what) {}

    private final Turn<T> turn;
    private final String name;
    private final int epfd;
    private final int wakeFd;
    private final MemorySegment one = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);
    private final ConcurrentLinkedQueue<Runnable> errands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Map<Long, Watched<T>> watched = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong(WAKE_TOKEN);
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** The pool's thread runs users' stages: the builder's context class loader, for the pool's life only. */
    private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
    private volatile Thread reader;
    private volatile Thread delivering;
    private volatile long deliveringSince;
    private volatile boolean stopped;
    /** The reading thread pauses (see {@link #pauseAfterTurn}); a wake-up ends the pause. */
    private volatile boolean pausing;
    /** The pause the current turn asked for; the reading thread's own. */
    private long pauseNanos;
    private boolean closed;
    private int generation;

    PoolIo(String name, Turn<T> turn) throws ErrnoException {
        this.turn = turn;
        this.name = name;
        this.epfd = Epoll.epoll_create1();
        int wake = -1;
        try {
            wake = Fds.eventfd();
            Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_ADD, wake, Epoll.EPOLLIN, WAKE_TOKEN);
        } catch (ErrnoException | RuntimeException | Error e) { // whatever it is, nothing stays open
            if (wake >= 0) {
                Fds.closeQuietly(wake);
            }
            Fds.closeQuietly(epfd);
            throw e;
        }
        this.wakeFd = wake;
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    void start() {
        newReader();
        watch();
    }

    private synchronized void newReader() {
        Thread t = Thread.ofPlatform().name(name + "-io" + (generation++ == 0 ? "" : "-" + generation))
                .daemon(true).unstarted(this::run);
        t.setContextClassLoader(loader);
        reader = t;
        t.start();
    }

    /**
     * Watches {@code fd}, which stands for {@code what}: the next turns get {@code what} when it
     * has something to read. Returns the token that {@link #unwatch} takes.
     */
    long watch(int fd, T what) throws ErrnoException {
        long token = tokens.incrementAndGet();
        watched.put(token, new Watched<>(fd, what));
        try {
            Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, token);
        } catch (ErrnoException e) {
            watched.remove(token);
            throw e;
        }
        return token;
    }

    /** Stops watching what {@code token} stands for; before its pipe is closed. Does nothing for an unknown token. */
    synchronized void unwatch(long token) {
        Watched<T> w = watched.remove(token);
        if (w != null && !closed) { // closed: its number may be another epoll set's now
            try {
                Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_DEL, w.fd(), 0, token);
            } catch (ErrnoException e) {
                // closed already: epoll forgot it
            }
        }
    }

    /**
     * Stops watching what {@code token} stands for until {@link #unmute}, keeping it registered:
     * nothing it does (end of file included) wakes the pool's thread meanwhile.
     */
    void mute(long token) {
        modify(token, Epoll.EPOLLONESHOT); // no event asked for, and none delivered
    }

    /** Watches what {@code token} stands for again, after {@link #mute}; what is there to read wakes the pool's thread. */
    void unmute(long token) {
        modify(token, Epoll.EPOLLIN);
    }

    private synchronized void modify(long token, int events) {
        Watched<T> w = watched.get(token);
        if (w != null && !closed) { // closed: its number may be another epoll set's now
            try {
                Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_MOD, w.fd(), events, token);
            } catch (ErrnoException e) {
                // unwatched meanwhile: nothing to change
            }
        }
    }

    /** Makes the pool's thread take a turn soon (for events posted to the pool). From any thread. */
    void wake() {
        if (wakePending.compareAndSet(false, true)) {
            signal();
        }
        if (pausing) {
            LockSupport.unpark(reader);
        }
    }

    /**
     * From the turn: after this turn and its deliveries, the reading thread may leave what it
     * watches unread for {@code nanos} (0 for not at all); a wake-up ends the pause at once.
     */
    void pauseAfterTurn(long nanos) {
        pauseNanos = nanos;
    }

    /** Leaves what is watched unread for the pause the turn asked for, unless something is posted. */
    private void pause() {
        long nanos = pauseNanos;
        pauseNanos = 0;
        if (nanos <= 0) {
            return;
        }
        pausing = true; // then wakePending: a wake() either sees this or is seen here
        try {
            long until = System.nanoTime() + nanos;
            while (!wakePending.get() && errands.isEmpty() && !stopped && (nanos = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            pausing = false;
        }
    }

    /**
     * Runs {@code errand} on the pool's thread, outside the pool's lock, after the current turn
     * and its deliveries: work that takes a while (starting a worker) and that must not depend
     * on a thread being created for it. From any thread.
     */
    void errand(Runnable errand) {
        errands.add(errand);
        wake();
    }

    private synchronized void signal() {
        if (!closed) {
            try {
                Fds.write(wakeFd, one);
            } catch (ErrnoException e) {
                // the counter is full: the thread is awake anyway
            }
        }
    }

    /** Ends the thread after its current turn (or closes at once if it never started); the pool has terminated. */
    void stop() {
        stopped = true;
        if (reader == null) {
            close();
        } else {
            signal();
            LockSupport.unpark(reader);
        }
    }

    /** True if the calling thread is one of this pool's threads, which must never wait for the pool. */
    boolean onPoolThread() {
        return threads.contains(Thread.currentThread());
    }

    private void run() {
        Thread me = Thread.currentThread();
        threads.add(me);
        List<T> readable = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT, 64);
            MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
            while (reader == me && !stopped) {
                int n;
                try {
                    n = Epoll.epoll_wait(epfd, events, -1);
                } catch (ErrnoException e) {
                    System.getLogger(PoolIo.class.getName()).log(System.Logger.Level.ERROR, name + ": epoll_wait failed", e);
                    return; // only a closed epoll fd makes it fail, and only stop() closes it
                }
                readable.clear();
                for (int i = 0; i < n; i++) {
                    long token = Epoll.data(events, i);
                    if (token == WAKE_TOKEN) {
                        try {
                            Fds.read(wakeFd, counter);
                        } catch (ErrnoException e) {
                            // nothing to drain
                        }
                        wakePending.set(false);
                    } else {
                        Watched<T> w = watched.get(token);
                        if (w != null) {
                            readable.add(w.what());
                        }
                    }
                }
                Runnable after = null;
                try {
                    after = turn.take(readable);
                } catch (RuntimeException | Error e) {
                    // A bug of ours must not stop the pool's only reader: say it, go on.
                    System.getLogger(PoolIo.class.getName()).log(System.Logger.Level.ERROR, name + ": a turn failed", e);
                }
                deliveringSince = System.nanoTime();
                delivering = me;
                if (after != null) {
                    after.run();
                }
                delivering = null;
                deliveringSince = 0;
                runErrands();
                pause();
            }
        } finally {
            threads.remove(me);
            if (stopped && reader == me) {
                close();
            }
        }
    }

    private void runErrands() {
        Runnable errand;
        while ((errand = errands.poll()) != null) {
            try {
                errand.run();
            } catch (RuntimeException | Error e) {
                System.getLogger(PoolIo.class.getName()).log(System.Logger.Level.ERROR, name + ": an errand failed", e);
            }
        }
    }

    private synchronized void close() {
        if (!closed) {
            closed = true;
            Fds.closeQuietly(wakeFd);
            Fds.closeQuietly(epfd);
        }
    }

    /** Every half second while the pool lives: hands reading over if delivery is stuck. */
    private void watch() {
        Engine.get().loop().schedule(STUCK_NANOS, () -> {
            if (stopped) {
                return;
            }
            long since = deliveringSince;
            Thread stuck = delivering;
            if (since != 0 && stuck != null && stuck == reader && System.nanoTime() - since > STUCK_NANOS) {
                newReader();
            }
            watch();
        });
    }
}
