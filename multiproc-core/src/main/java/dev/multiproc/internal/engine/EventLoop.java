package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread over one epoll set: it learns that a child exited (its pidfd turns readable)
 * and that a pipe can be read or written, and it runs timers.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Registration from any thread.</b> {@code epoll_ctl} is thread-safe, so callers add,
 *   re-arm and remove fds themselves; the loop thread is never asked to. Each registration
 *   gets a token (a counter, never an fd number) that epoll hands back in {@code data}. A
 *   token is looked up in {@link #handlers}; an event for a token already removed finds
 *   nothing and is dropped. That is what makes "fd closed and its number reused by another
 *   registration" harmless.</li>
 *   <li><b>Handlers run on the loop thread</b> and must not block: reap a child, wake a
 *   parked reader. A handler that throws is logged and the loop goes on.</li>
 *   <li><b>Timers</b> live in a priority queue; adding one that is due before the current
 *   wait ends writes the eventfd so that {@code epoll_wait} returns early.</li>
 * </ul>
 */
public final class EventLoop {
    /** Called on the loop thread with the epoll events that fired. */
    @FunctionalInterface
    public interface Handler {
        void ready(int events);
    }

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    private static final int MAX_EVENTS = 256;
    private static final long WAKEUP_TOKEN = 0;

    private final int epfd;
    private final int wakeFd;
    private final ConcurrentHashMap<Long, Handler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(1);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final MemorySegment wakeValue = Arena.global().allocate(ValueLayout.JAVA_LONG);
    private final Thread thread;

    private record Timer(long dueNanos, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int c = Long.compare(dueNanos - other.dueNanos, 0);
            return c != 0 ? c : Long.compare(sequence, other.sequence);
        }
    }

    EventLoop() throws ErrnoException {
        epfd = Epoll.epoll_create1();
        wakeFd = Fds.eventfd();
        Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_ADD, wakeFd, Epoll.EPOLLIN, WAKEUP_TOKEN);
        thread = Thread.ofPlatform().name("multiproc-events").daemon(true).unstarted(this::run);
        thread.setContextClassLoader(null); // runs no user code; must not pin the first user's loader
        thread.start();
    }

    /** Adds {@code fd} for {@code events}; returns the token to modify or remove it with. */
    public long add(int fd, int events, Handler handler) throws ErrnoException {
        long token = nextToken.getAndIncrement();
        handlers.put(token, handler);
        try {
            Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_ADD, fd, events, token);
        } catch (ErrnoException e) {
            handlers.remove(token);
            throw e;
        }
        return token;
    }

    /** Changes the events of a registered fd (re-arms a one-shot registration). */
    public void modify(int fd, long token, int events) throws ErrnoException {
        Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_MOD, fd, events, token);
    }

    /** Removes {@code fd}; call before closing it. Events already drawn for it are dropped. */
    public void remove(int fd, long token) {
        handlers.remove(token);
        try {
            Epoll.epoll_ctl(epfd, Epoll.EPOLL_CTL_DEL, fd, 0, token);
        } catch (ErrnoException e) {
            // ENOENT/EBADF: not registered any more. Nothing else to undo.
        }
    }

    /** Runs {@code task} on the loop thread after {@code delayNanos}. */
    public void schedule(long delayNanos, Runnable task) {
        long due = System.nanoTime() + delayNanos;
        boolean first;
        synchronized (timers) {
            timers.add(new Timer(due, nextToken.getAndIncrement(), task));
            first = timers.peek().dueNanos == due;
        }
        if (first && Thread.currentThread() != thread) {
            wake();
        }
    }

    /** True if the calling thread is the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void wake() {
        wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
        try {
            Fds.write(wakeFd, wakeValue);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot wake the event loop", e);
        }
    }

    private void run() {
        MemorySegment events = Arena.ofConfined().allocate(Epoll.EVENT, MAX_EVENTS);
        MemorySegment drain = Arena.ofConfined().allocate(ValueLayout.JAVA_LONG);
        while (true) {
            try {
                int n = Epoll.epoll_wait(epfd, events, runDueTimers());
                for (int i = 0; i < n; i++) {
                    long token = Epoll.data(events, i);
                    if (token == WAKEUP_TOKEN) {
                        Fds.read(wakeFd, drain);
                        continue;
                    }
                    Handler handler = handlers.get(token);
                    if (handler != null) {
                        dispatch(handler, Epoll.events(events, i));
                    }
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "event loop error; going on", t);
            }
        }
    }

    private static void dispatch(Handler handler, int events) {
        try {
            handler.ready(events);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "event handler failed", t);
        }
    }

    /** Runs the timers that are due; returns how long epoll may wait, in ms (-1: no timer). */
    private int runDueTimers() {
        while (true) {
            Timer due;
            synchronized (timers) {
                Timer next = timers.peek();
                if (next == null) {
                    return -1;
                }
                long wait = next.dueNanos - System.nanoTime();
                if (wait > 0) {
                    return (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
                }
                due = timers.poll();
            }
            try {
                due.task.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "timer task failed", t);
            }
        }
    }
}
