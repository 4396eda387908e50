package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Processes;
import dev.multiproc.internal.posix.Wait;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This JVM as a child subreaper ({@code PR_SET_CHILD_SUBREAPER}): orphaned descendants are
 * reparented to it instead of to PID 1, and it reaps them when they exit.
 *
 * <h2>Not stealing anyone's status</h2>
 * Three kinds of process have this JVM as parent: children multiproc started (it reaps them
 * itself, through their pidfds), children the JDK started ({@code ProcessBuilder}: a JDK
 * thread blocks in {@code waitpid} on each and reaps it the moment it exits), and adopted
 * orphans, which nobody waits for. Every {@link #POLL_MILLIS} ms the event loop peeks with
 * {@code waitid(P_ALL, WNOHANG | WNOWAIT)}, which shows whether any child has exited without
 * reaping it: one system call, nothing more while no child has exited. If one has, every
 * zombie child is found in {@code /proc}; those multiproc tracks are left to their pidfds,
 * and any other is reaped only once it has stayed a zombie for {@link #UNCLAIMED_MILLIS} ms:
 * far longer than the JDK's reaper takes, so a JDK child's status is never taken from the
 * JDK. (The peek alone shows one zombie at a time: ageing them one by one would let a burst
 * of orphans drain at one per {@code UNCLAIMED_MILLIS}.)
 */
final class Subreaper {
    static final long POLL_MILLIS = 50;
    /**
     * For tests only: a system property that makes {@link #start} fail as a kernel without
     * child subreapers (before 3.4) would, so that the error a caller sees can be checked.
     */
    static final String REFUSE_FOR_TESTS = "dev.multiproc.test.refuseSubreaper";
    static final long UNCLAIMED_MILLIS = 200;

    private final Engine engine;
    private final Map<Integer, Long> zombieSince = new HashMap<>();

    private Subreaper(Engine engine) {
        this.engine = engine;
    }

    /** Makes this JVM a subreaper and starts reaping orphans on the event loop. */
    static Subreaper start(Engine engine) throws ErrnoException {
        if (Boolean.getBoolean(REFUSE_FOR_TESTS)) {
            throw new ErrnoException("prctl(PR_SET_CHILD_SUBREAPER, 1)", dev.multiproc.internal.posix.Errno.EINVAL);
        }
        Processes.prctl(Processes.PR_SET_CHILD_SUBREAPER, 1);
        Subreaper reaper = new Subreaper(engine);
        engine.loop().schedule(0, reaper::poll);
        return reaper;
    }

    /** True if the kernel has this JVM as a subreaper. */
    static boolean active() throws ErrnoException {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            return Processes.prctlGet(Processes.PR_GET_CHILD_SUBREAPER, arena) != 0;
        }
    }

    private void poll() {
        try {
            reapUnclaimed();
        } catch (ErrnoException e) {
            if (e.errno() != dev.multiproc.internal.posix.Errno.ECHILD) {
                System.getLogger(Subreaper.class.getName()).log(System.Logger.Level.WARNING,
                        "subreaper could not reap", e);
            }
        } finally {
            engine.loop().schedule(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), this::poll);
        }
    }

    /** Reaps every zombie child that multiproc does not track, without the wait (at exit). */
    synchronized void reapAllUnclaimed() {
        try {
            for (ProcFs.Stat s : ProcFs.all()) {
                if (s.ppid() == Processes.getpid() && s.gone() && !engine.tracks(s.pid())) {
                    Wait.waitid(Wait.P_PID, s.pid(), Wait.WEXITED | Wait.WNOHANG);
                }
            }
        } catch (ErrnoException e) {
            // ECHILD: someone else reaped it meanwhile.
        }
    }

    private synchronized void reapUnclaimed() throws ErrnoException {
        if (Wait.waitid(Wait.P_ALL, 0, Wait.WEXITED | Wait.WNOHANG | Wait.WNOWAIT) == null) {
            zombieSince.clear();
            return; // no child has exited: the cheap, common case
        }
        // The peek shows one exited child; to age them all at once, look at every zombie child.
        long now = System.nanoTime();
        int self = Processes.getpid();
        java.util.Set<Integer> zombies = new java.util.HashSet<>();
        for (ProcFs.Stat s : ProcFs.all()) {
            if (s.ppid() == self && s.gone() && !engine.tracks(s.pid())) {
                zombies.add(s.pid());
            }
        }
        zombieSince.keySet().retainAll(zombies);
        for (int pid : zombies) {
            long since = zombieSince.computeIfAbsent(pid, p -> now);
            if (TimeUnit.NANOSECONDS.toMillis(now - since) >= UNCLAIMED_MILLIS) {
                Wait.waitid(Wait.P_PID, pid, Wait.WEXITED | Wait.WNOHANG);
                zombieSince.remove(pid);
            }
        }
    }
}
