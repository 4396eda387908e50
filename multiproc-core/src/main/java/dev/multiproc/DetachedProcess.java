package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.engine.ExitStages;
import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A process started by {@link DetachedCommand#start()}: not this JVM's child, so it has no
 * exit status for us, but it can be signalled, watched and waited for through a pidfd while
 * it lives, as every {@link SignalTarget}. The handle holds that pidfd until the process ends
 * or {@link #close()} releases it (the process keeps running either way). A released handle
 * no longer reaches the process: a signal sends nothing, {@link #isAlive()} is false, and its
 * end is no longer seen ({@link #onExit()} does not complete, {@link #join} returns false).
 */
public final class DetachedProcess implements AutoCloseable, SignalTarget {
    private final long pid;
    private final String program;
    private final State state;
    private final Reclaimer.Cleanable cleanable;

    /** The pidfd and its watch, apart from the handle so that a dropped handle can be cleaned. */
    private static final class State implements Runnable {
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final long pid;
        private int pidfd;
        private long token = -1;

        State(long pid, int pidfd) {
            this.pid = pid;
            this.pidfd = pidfd;
            if (pidfd < 0) {
                ended.complete(null);
            }
        }

        synchronized void watch(EventLoop loop) {
            if (pidfd >= 0 && token < 0) {
                try {
                    token = loop.add(pidfd, Epoll.EPOLLIN, events -> {
                        run();
                        ended.complete(null);
                    });
                } catch (ErrnoException e) {
                    throw new MultiprocException("cannot watch the end of process " + pid + ": " + e.getMessage());
                }
            }
        }

        synchronized boolean send(Signal signal) {
            if (pidfd < 0) {
                return false;
            }
            try {
                return Pidfd.pidfd_send_signal(pidfd, signal.number());
            } catch (ErrnoException e) {
                throw Child.signalFailed(signal, "process " + pid, e);
            }
        }

        synchronized boolean alive() {
            if (pidfd < 0) {
                return false;
            }
            try {
                return Fds.pollReadable(new int[] {pidfd}, 0) == 0;
            } catch (ErrnoException e) {
                throw new MultiprocException("cannot tell whether process " + pid + " runs: " + e.getMessage());
            }
        }

        /** Releases the pidfd (the process keeps running). */
        @Override
        public synchronized void run() {
            if (pidfd >= 0) {
                if (token >= 0) {
                    Engine.get().loop().remove(pidfd, token);
                }
                Fds.closeQuietly(pidfd);
                pidfd = -1;
            }
        }
    }

    DetachedProcess(long pid, int pidfd, String program) {
        this.pid = pid;
        this.program = program;
        this.state = new State(pid, pidfd);
        this.cleanable = Engine.get().reclaimer().register(this, state);
    }

    static DetachedProcess ended(long pid, String program) {
        return new DetachedProcess(pid, -1, program);
    }

    /** Its process id. */
    @Override
    public long pid() {
        return pid;
    }

    /** True while it runs (and this handle still holds it). */
    @Override
    public boolean isAlive() {
        return state.alive();
    }

    /**
     * Sends {@code signal} through the pidfd: true if sent, false if it has ended or was released.
     *
     * @throws MultiprocException if the kernel refuses the signal (the message says why)
     */
    @Override
    public boolean signal(Signal signal) {
        return state.send(Objects.requireNonNull(signal, "signal"));
    }

    /**
     * Completes (with null) when the process ends. There is no status: it is not this JVM's
     * child, and whoever adopted it reaps it. Actions chained on it run on a virtual thread,
     * never on multiproc's event thread, with the context class loader of the thread that
     * called this.
     *
     * @throws MultiprocException if the kernel refuses to watch the pidfd (the message says why)
     */
    @Override
    public CompletableFuture<Void> onExit() {
        state.watch(Engine.get().loop());
        return ExitStages.onExit(state.ended);
    }

    /**
     * Waits up to {@code timeout} for the process to end: true if it has. A zero or negative
     * timeout looks once.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws MultiprocException if the kernel refuses to watch the pidfd (the message says why)
     */
    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.waitNanos(timeout);
        state.watch(Engine.get().loop());
        return ExitStages.await(state.ended, pid, nanos);
    }

    /**
     * The same wait as {@link #join(Duration)}, under its older name.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @deprecated use {@link #join(Duration)}, the wait every {@link SignalTarget} has
     */
    @Deprecated
    public boolean waitFor(Duration timeout) throws InterruptedException {
        return join(timeout);
    }

    /** Releases the pidfd; the process goes on, and this handle can no longer reach it. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "DetachedProcess[pid=" + pid + ", " + program + "]";
    }
}
