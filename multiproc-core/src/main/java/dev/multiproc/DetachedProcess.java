package dev.multiproc;

import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process started by {@link DetachedCommand#start()}: not this JVM's child, so it has no
 * exit status for us, but it can be signalled and watched through a pidfd while it lives.
 * The handle holds that pidfd until the process ends or {@link #close()} releases it (the
 * process keeps running either way).
 */
public final class DetachedProcess implements AutoCloseable, SignalTarget {
    private final long pid;
    private final String program;
    private final State state;
    private final Reclaimer.Cleanable cleanable;

    /** The pidfd and its watch, apart from the handle so that a dropped handle can be cleaned. */
    private static final class State implements Runnable {
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private int pidfd;
        private long token = -1;

        State(int pidfd) {
            this.pidfd = pidfd;
            if (pidfd < 0) {
                ended.complete(null);
            }
        }

        synchronized void watch(EventLoop loop) throws ErrnoException {
            if (pidfd >= 0 && token < 0) {
                token = loop.add(pidfd, Epoll.EPOLLIN, events -> {
                    run();
                    ended.complete(null);
                });
            }
        }

        synchronized boolean send(Signal signal) {
            if (pidfd < 0) {
                return false;
            }
            try {
                return Pidfd.pidfd_send_signal(pidfd, signal.number());
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized boolean alive() {
            if (pidfd < 0) {
                return false;
            }
            try {
                return Fds.pollReadable(new int[] {pidfd}, 0) == 0;
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
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
        this.state = new State(pidfd);
        this.cleanable = Engine.get().reclaimer().register(this, state);
    }

    static DetachedProcess ended(long pid, String program) {
        return new DetachedProcess(pid, -1, program);
    }

    /** Its process id. */
    public long pid() {
        return pid;
    }

    /** True while it runs (and this handle still holds it). */
    public boolean isAlive() {
        return state.alive();
    }

    /** Sends {@code signal} through the pidfd: true if sent, false if it has ended or was released. */
    public boolean signal(Signal signal) {
        return state.send(Objects.requireNonNull(signal, "signal"));
    }

    /** Sends SIGTERM; see {@link #signal}. */
    public boolean terminate() {
        return signal(Signal.SIGTERM);
    }

    /** Sends SIGKILL; see {@link #signal}. */
    public boolean kill() {
        return signal(Signal.SIGKILL);
    }

    /**
     * Completes when the process ends. There is no status: it is not this JVM's child, and
     * whoever adopted it reaps it.
     */
    public CompletableFuture<Void> onExit() {
        try {
            state.watch(Engine.get().loop());
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
        return state.ended.thenApply(v -> v);
    }

    /**
     * Waits up to {@code timeout} for the process to end; true if it did. A zero or negative
     * timeout looks once, as {@link Subprocess#waitFor(Duration)} does.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.waitNanos(timeout);
        try {
            onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit watch failed", e);
        }
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
