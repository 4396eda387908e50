package dev.multiproc.internal.ipc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's registry of the processes whose end it waits to learn of: the holders of the
 * shared objects it uses. Whoever learns of a death first cleans up after it (see
 * {@link Members}); this class only learns and tells.
 *
 * <h2>How a death is learned</h2>
 * <ul>
 *   <li><b>Our own children</b>: the engine already watches each child's pidfd on its event loop
 *   and completes the child's exit future when it reaps it; a watch on a child of ours
 *   (unreaped, with the same start time, so the same process) hangs on that future and costs
 *   nothing more.</li>
 *   <li><b>Any other process</b>: {@code pidfd_open(pid)}, then its start time is read again
 *   from {@code /proc}: if it is the watched one's, the pidfd names that process for good (it
 *   cannot be reused while we hold it), and it goes on the engine's event loop, which sees it
 *   turn readable when the process ends. A pid that is free (ESRCH), a zombie, or a start time
 *   that differs means the watched process has already ended. So the check is bounded (two
 *   system calls and a read of {@code /proc}, once per process watched) and reuse-safe, and no
 *   thread polls.</li>
 * </ul>
 *
 * <h2>Who is told, and on which thread</h2>
 * Each {@link Watch} has a listener, called once, after the process ended, on a virtual thread
 * of its own (never the event thread, which must not block: a listener may wait for a shared
 * object's guard). A watch made on a process that has already ended is told at once, in the
 * same way. Watches of one process share one pidfd; the last watch closed closes it, and a death
 * drops it: this registry keeps nothing of a process it no longer watches.
 */
public final class ProcessDeaths {
    private static final System.Logger LOG = System.getLogger(ProcessDeaths.class.getName());
    private static final ProcessDeaths INSTANCE = new ProcessDeaths();

    private final ConcurrentHashMap<ProcessIdentity, Entry> entries = new ConcurrentHashMap<>();

    private ProcessDeaths() {}

    /** The registry of this process. */
    public static ProcessDeaths get() {
        return INSTANCE;
    }

    /** Told once that a watched process has ended. */
    @FunctionalInterface
    public interface Listener {
        /** {@code who} has ended (exited, was killed, or is a zombie). */
        void died(ProcessIdentity who);
    }

    /** A registration made by {@link #watch}; closing it stops the watch (its listener is then not called). */
    public interface Watch extends AutoCloseable {
        /** The watched process. */
        ProcessIdentity who();

        /** True once the watched process is known to have ended. */
        boolean died();

        /** Stops watching; idempotent. */
        @Override
        void close();
    }

    /**
     * Watches {@code who}: {@code listener} is called once after it ended (at once, on another
     * thread, if it already has). Watching this process itself is allowed and never fires.
     *
     * @throws IllegalStateException if the watch cannot be set up (out of fds, say)
     */
    public Watch watch(ProcessIdentity who, Listener listener) {
        Registration registration = new Registration(who, listener);
        if (who.equals(ProcessIdentity.current())) {
            return registration;
        }
        while (true) {
            Entry entry = entries.computeIfAbsent(who, Entry::new);
            if (entry.add(registration)) {
                return registration;
            }
            // the entry was retired (its process died or its last watch closed) as we took it: a new one
            entries.remove(who, entry);
        }
    }

    /**
     * True if {@code who} is known to have ended: through a watch, or found so now (a read of
     * {@code /proc} for a process nobody here watches).
     */
    public boolean isDead(ProcessIdentity who) {
        if (who.equals(ProcessIdentity.current())) {
            return false;
        }
        Entry entry = entries.get(who);
        if (entry != null && entry.watching()) {
            return false;
        }
        return !who.isAlive();
    }

    /** How many processes are watched now (for tests: nothing is kept for a process not watched). */
    public int watchedCount() {
        return entries.size();
    }

    private final class Registration implements Watch {
        private final ProcessIdentity who;
        private final Listener listener;
        private volatile Entry entry;
        private volatile boolean died;
        private volatile boolean closed;

        Registration(ProcessIdentity who, Listener listener) {
            this.who = who;
            this.listener = listener;
        }

        @Override
        public ProcessIdentity who() {
            return who;
        }

        @Override
        public boolean died() {
            return died;
        }

        @Override
        public void close() {
            closed = true;
            Entry e = entry;
            if (e != null) {
                e.remove(this);
            }
        }

        void tell() {
            died = true;
            if (!closed) {
                try {
                    listener.died(who);
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "a listener for the end of " + who + " failed", t);
                }
            }
        }
    }

    /** One watched process: its pidfd (or our child), and the watches on it. */
    private final class Entry {
        private final ProcessIdentity who;
        private final List<Registration> registrations = new ArrayList<>();
        private boolean started;
        private boolean retired;
        private int pidfd = -1;
        private long token;

        Entry(ProcessIdentity who) {
            this.who = who;
        }

        synchronized boolean watching() {
            return started && !retired;
        }

        /** Adds a watch; false if this entry is retired and a new one must be made. */
        boolean add(Registration registration) {
            boolean deadAlready;
            synchronized (this) {
                if (retired) {
                    return false;
                }
                registration.entry = this;
                registrations.add(registration);
                if (started) {
                    return true;
                }
                started = true;
                deadAlready = !start();
            }
            if (deadAlready) {
                died();
            }
            return true;
        }

        /** Starts watching; false if the process has already ended. Called under the lock. */
        private boolean start() {
            Child child = ourChild(who.pid());
            if (child != null) {
                // Unreaped, so its pid is still its own: the same process if the start times agree.
                if (!who.isAlive()) {
                    return false;
                }
                child.exit().whenComplete((status, failure) -> died());
                return true;
            }
            int fd;
            try {
                fd = Pidfd.pidfd_open(who.pid());
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ESRCH) {
                    return false;
                }
                throw new IllegalStateException("cannot watch " + who + ": " + e.getMessage(), e);
            }
            // The pidfd pins whatever runs as the pid now: it is the watched process only if the start times agree.
            if (!who.isAlive()) {
                Fds.closeQuietly(fd);
                return false;
            }
            EventLoop loop = Engine.get().loop();
            try {
                token = loop.add(fd, Epoll.EPOLLIN, events -> died());
            } catch (ErrnoException e) {
                Fds.closeQuietly(fd);
                throw new IllegalStateException("cannot watch " + who + ": " + e.getMessage(), e);
            }
            pidfd = fd;
            return true;
        }

        void remove(Registration registration) {
            synchronized (this) {
                if (retired || !registrations.remove(registration) || !registrations.isEmpty()) {
                    return;
                }
                retire();
            }
            entries.remove(who, this);
        }

        /** The process ended: tells every watch, on a virtual thread, and forgets the process. */
        void died() {
            List<Registration> told;
            synchronized (this) {
                if (retired) {
                    return;
                }
                retire();
                told = List.copyOf(registrations);
                registrations.clear();
            }
            entries.remove(who, this);
            Thread thread = Thread.ofVirtual().name("multiproc-death-" + who.pid()).unstarted(() -> {
                for (Registration r : told) {
                    r.tell();
                }
            });
            thread.setContextClassLoader(null); // runs no user code
            thread.start();
        }

        /** Stops watching: the pidfd off the loop and closed. Called under the lock. */
        private void retire() {
            retired = true;
            if (pidfd >= 0) {
                Engine.get().loop().remove(pidfd, token);
                Fds.closeQuietly(pidfd);
                pidfd = -1;
            }
        }
    }

    private static Child ourChild(int pid) {
        for (Child child : Engine.get().liveChildren()) {
            if (child.pid() == pid) {
                return child;
            }
        }
        return null;
    }
}
