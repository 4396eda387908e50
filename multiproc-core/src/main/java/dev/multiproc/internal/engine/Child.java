package dev.multiproc.internal.engine;

import dev.multiproc.ExitStatus;
import dev.multiproc.MultiprocException;
import dev.multiproc.Signal;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import dev.multiproc.internal.posix.Processes;
import dev.multiproc.internal.posix.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child process this JVM started and tracks until it is reaped.
 *
 * <h2>Reaping and pid reuse</h2>
 * The child is known by its pidfd from the moment {@code posix_spawn} returns: the pid cannot
 * be reused before we reap it, so opening the pidfd right after the spawn names the right
 * process. The event loop watches the pidfd; when it turns readable the loop calls
 * {@code waitid(P_PIDFD, ...)}, which reaps the child, then closes the pidfd and completes
 * {@link #exit}. Every signal goes through the pidfd while it is open, so a signal can never
 * reach another process that got the same pid. The pidfd is used and closed under
 * {@link #lock}: a signal racing with the reap either goes to the (zombie) child, or finds
 * the pidfd closed and does nothing. Waiting again returns the status kept in {@link #exit};
 * nobody ever calls {@code waitpid} on this pid a second time, so there is no ECHILD.
 *
 * <h2>A child the kernel reaped</h2>
 * If SIGCHLD is set to ignored after the engine started (by a library, or the application),
 * the kernel reaps each child itself the moment it exits, and {@code waitid} answers ECHILD.
 * The pidfd still turns readable, so the exit is still seen; the status comes from the
 * kernel's record for the pidfd (Linux 6.15), or, where there is none, is taken as exit 0, as
 * CPython does. Either way the child is complete and its pidfd closed: nothing spins on a
 * readable pidfd that {@code waitid} cannot reap. A child that is gone before its pidfd is
 * opened has no record to ask: exit 0 too. (Its pid could even have been reused by then, as
 * with any pid not pinned by a pidfd: a hazard only an ignored SIGCHLD opens, and only for the
 * microseconds between the spawn and {@code pidfd_open}.)
 *
 * <h2>A waiter woken by the kernel</h2>
 * A thread that waits for the exit would be woken by the event thread after it reaps: one
 * more thread hand-off, which on a small virtual machine costs far more than its
 * few microseconds (the next spawn then runs with the two threads on two CPUs; measured,
 * about 15% of a spawn and wait of {@code /bin/true}). So a platform thread that waits
 * first polls the pidfd itself, briefly ({@link #DIRECT_WAIT_MILLIS}), and reaps the child
 * itself if it exits meanwhile, exactly as the event loop would, under {@link #lock}:
 * whichever of the two gets the lock first reaps, the other finds the pidfd closed. While a
 * thread polls the pidfd, the reap leaves the fd open ({@link #unclosed}), so that its number
 * cannot name another file under the poll. After the brief wait, the thread parks on
 * {@link #exit} as any other waiter: so an interrupt is noticed at most that late.
 */
public final class Child {
    /** What started the child. */
    public enum Kind {
        /** A command. */
        COMMAND,
        /** A child JVM running a task. */
        JVM,
        /** The library's own guardian process. */
        GUARDIAN
    }

    private final int pid;
    private final List<String> command;
    private final Kind kind;
    private final String name;
    /** Whether this JVM's exit terminates the child, or leaves it (a command) or waits for it (a JVM); see {@link ExitPolicy}. */
    private volatile boolean daemon;
    /** How long a child JVM that is not a daemon is awaited when a signal stops this JVM; see {@link ExitPolicy}. */
    private volatile Duration grace = Duration.ZERO;
    private final boolean guarded;
    private final boolean groupLeader;
    private final Instant startedAt = Instant.now();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final Object lock = new Object();
    private int pidfd;
    private long token;
    /** Threads polling the pidfd in {@link #awaitBriefly}. */
    private int pollers;
    /** A pidfd the reap left open for {@link #pollers}; the last of them closes it. */
    private int unclosed = -1;
    /** How often the kernel was asked for the status of a child it reaped itself. */
    private int echildTries;
    /** True while a timer is due to ask the kernel again; other reap attempts leave it to the timer. */
    private boolean askingKernel;

    /** How long {@link #awaitBriefly} waits in the kernel at most. */
    static final int DIRECT_WAIT_MILLIS = 5;
    /** How often the status of a child the kernel reaped is asked for: after 1 ms, then doubling (0.5 s in all). */
    static final int ECHILD_RETRIES = 9;

    Child(int pid, int pidfd, List<String> command, Kind kind, String name, boolean daemon, boolean groupLeader,
          boolean guarded) {
        this.guarded = guarded;
        this.pid = pid;
        this.pidfd = pidfd;
        this.command = command;
        this.kind = kind;
        this.name = name;
        this.daemon = daemon;
        this.groupLeader = groupLeader;
    }

    /**
     * A child that was gone before its pidfd could be opened: only the kernel can have reaped
     * it so soon (SIGCHLD ignored), and with no pidfd its status is lost. It counts as exited
     * with 0, as CPython counts a child it cannot wait for.
     */
    static Child reapedByTheKernel(int pid, List<String> command, Kind kind, String name, boolean daemon,
                                   boolean groupLeader) {
        Child child = new Child(pid, -1, command, kind, name, daemon, groupLeader, false);
        child.exit.complete(ExitStatus.exited(0));
        return child;
    }

    void watch(EventLoop loop) throws ErrnoException {
        synchronized (lock) {
            token = loop.add(pidfd, Epoll.EPOLLIN, events -> reap(loop));
        }
    }

    public int pid() {
        return pid;
    }

    public List<String> command() {
        return command;
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** Whether this JVM's exit terminates the child; see {@link ExitPolicy}. */
    public boolean daemon() {
        return daemon;
    }

    /** How long a child JVM that is not a daemon is awaited when a signal stops this JVM. */
    Duration grace() {
        return grace;
    }

    /** Sets what the exit policy needs of a child JVM once it is given its task; see {@link ExitPolicy#track}. */
    void atExit(boolean daemon, Duration grace) {
        this.grace = grace;
        this.daemon = daemon;
    }

    /** True if the child was started as the leader of its own process group (or session). */
    public boolean groupLeader() {
        return groupLeader;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Completed with the status when the child has been reaped; complete it nowhere else. */
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * True until the child has been reaped; once false, {@link #exit} holds the status. (A
     * child that exited a moment ago and waits for the event loop to reap it is still alive
     * here, so that "not alive" and "has a status" never disagree.)
     */
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** True once the child has been reaped: from then on its pid may name another process. */
    boolean reaped() {
        synchronized (lock) {
            return pidfd < 0;
        }
    }

    /**
     * Sends {@code signal} through the pidfd: true if sent, false if the child was already reaped.
     *
     * @throws MultiprocException if the kernel refuses (the message names the call and the errno)
     */
    public boolean signal(Signal signal) {
        synchronized (lock) {
            if (pidfd < 0) {
                return false;
            }
            try {
                return Pidfd.pidfd_send_signal(pidfd, signal.number());
            } catch (ErrnoException e) {
                throw signalFailed(signal, "process " + pid, e);
            }
        }
    }

    /**
     * What a signal the kernel refused becomes for the caller: a failure of the library's own,
     * naming the signal, the process and the call with its errno. (EPERM, say, for a process
     * that changed its user; there is no ESRCH here, which means "gone" and is not a failure.)
     */
    public static MultiprocException signalFailed(Signal signal, String target, ErrnoException e) {
        return new MultiprocException("cannot send " + signal.displayName() + " to " + target + ": " + e.getMessage());
    }

    /**
     * Sends {@code signal} to the child's process group, while the child (its leader) is not
     * reaped yet, so that the group id cannot have been reused: true if sent.
     */
    public boolean signalGroup(Signal signal) {
        synchronized (lock) {
            if (pidfd < 0 || !groupLeader) {
                return false;
            }
            try {
                return Processes.kill(-pid, signal.number());
            } catch (ErrnoException e) {
                throw signalFailed(signal, "process group " + pid, e);
            }
        }
    }

    /**
     * Sends {@code first} to the child and all its descendants, then SIGKILL to what is left
     * after {@code grace}; returns the child's status once it is reaped.
     */
    public ExitStatus killTree(Signal first, Duration grace) throws InterruptedException {
        return killTree(first, grace, java.util.Set.of());
    }

    /** As {@link #killTree(Signal, Duration)}, counting the processes {@code alsoPids} (and theirs) in the tree. */
    public ExitStatus killTree(Signal first, Duration grace, java.util.Set<Integer> alsoPids)
            throws InterruptedException {
        ProcessTree.kill(List.of(this), alsoPids, first, grace);
        return ExitStages.await(exit, pid);
    }

    /**
     * On a platform thread: waits up to {@code maxNanos} (at most {@link #DIRECT_WAIT_MILLIS})
     * for the child to exit, polling its pidfd, and reaps it if it does; returns at once on a
     * virtual thread (it must not hold its carrier), on an interrupted thread, or when the
     * child is already reaped. Waiters call it before parking on {@link #exit}.
     */
    public void awaitBriefly(long maxNanos) {
        long millis = Math.min(DIRECT_WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(maxNanos));
        Thread self = Thread.currentThread();
        if (millis <= 0 || exit.isDone() || self.isVirtual() || self.isInterrupted()) {
            return;
        }
        int fd;
        synchronized (lock) {
            if (pidfd < 0) {
                return;
            }
            fd = pidfd;
            pollers++;
        }
        boolean exited;
        try {
            exited = Fds.pollReadable(new int[] {fd}, (int) millis) > 0;
        } catch (ErrnoException e) {
            exited = false; // the event loop reaps it
        } finally {
            synchronized (lock) {
                if (--pollers == 0 && unclosed >= 0) {
                    Fds.closeQuietly(unclosed);
                    unclosed = -1;
                }
            }
        }
        if (exited) {
            reap(Engine.get().loop());
        }
    }

    /** Runs on the event loop when the pidfd is readable, or on a waiter that saw it readable. */
    private void reap(EventLoop loop) {
        synchronized (lock) {
            if (pidfd < 0) {
                return;
            }
            Wait.Reaped reaped;
            try {
                reaped = Wait.waitid(Wait.P_PIDFD, pidfd, Wait.WEXITED | Wait.WNOHANG);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ECHILD) {
                    throw new MultiprocException("cannot reap process " + pid + ": " + e.getMessage());
                }
                reaped = reapedByTheKernel(loop);
            }
            if (reaped == null) {
                return;
            }
            loop.remove(pidfd, token);
            if (pollers > 0) {
                unclosed = pidfd;
            } else {
                Fds.closeQuietly(pidfd);
            }
            pidfd = -1;
            Engine.get().forget(this);
            Watchdog watchdog = Engine.get().watchdog();
            if (guarded && watchdog != null) {
                watchdog.forget(pid);
            }
            // Under the lock, with the pidfd: whoever sees "reaped" (a signal returning false)
            // finds the status there. Dependents of exit run here and must not block.
            exit.complete(reaped.exited()
                    ? ExitStatus.exited(reaped.status())
                    : ExitStatus.signaled(Signal.of(reaped.status()), reaped.coreDumped()));
        }
    }

    /**
     * The status of a child that exited and that {@code waitid} reports as no child of ours
     * (ECHILD): the kernel released it itself, because SIGCHLD is ignored or has
     * {@code SA_NOCLDWAIT} (a library or the application set it after the engine started),
     * or someone else waited for it. The kernel keeps its status for the pidfd (Linux 6.15);
     * until the kernel has released the process that status is not there yet, so the pidfd
     * leaves the epoll set (it stays readable: the loop would spin on it) and a timer asks
     * again, with a growing delay. A kernel that cannot tell within {@link #ECHILD_RETRIES}
     * tries, or has no such call, leaves the status unknown: the child is counted as exited
     * with 0, as CPython's {@code subprocess} does. Returns null while asking again later.
     */
    private Wait.Reaped reapedByTheKernel(EventLoop loop) {
        if (askingKernel) {
            return null;
        }
        int status;
        try {
            status = Pidfd.exitStatus(pidfd);
        } catch (ErrnoException e) {
            status = Pidfd.NO_EXIT_STATUS;
            echildTries = ECHILD_RETRIES;
        }
        if (status != Pidfd.NO_EXIT_STATUS) {
            return Wait.Reaped.ofWaitStatus(pid, status);
        }
        if (echildTries >= ECHILD_RETRIES) {
            return Wait.Reaped.ofWaitStatus(pid, 0);
        }
        loop.remove(pidfd, token);
        askingKernel = true;
        loop.schedule(TimeUnit.MILLISECONDS.toNanos(1L << echildTries++), () -> {
            synchronized (lock) {
                askingKernel = false;
            }
            reap(loop);
        });
        return null;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + pid + " " + String.join(" ", command);
    }
}
