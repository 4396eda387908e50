package dev.multiproc.internal.engine;

import dev.multiproc.Signal;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import dev.multiproc.internal.posix.Processes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kills children together with everything they started: a first signal (TERM) to the whole
 * tree, a grace, then KILL to whatever is left.
 *
 * <h2>Finding the tree</h2>
 * Descendants are found in {@code /proc}: by parent pid from each root down, and, for a root
 * that leads its own process group, every member of that group (this also finds processes
 * whose parent already died and that were reparented away). The search runs before any
 * signal, while the tree is still linked, and again before each signal, to catch processes
 * forked meanwhile.
 *
 * <h2>Pid reuse</h2>
 * Each descendant found is pinned with a pidfd, and kept only if its start time read after
 * {@code pidfd_open} equals the one read during the search: then the pidfd names that very
 * process, and every later signal goes through it. Roots are signalled through their own
 * pidfds; their groups only while the root is not reaped yet (so the group id cannot have
 * been reused) or, after that, member by member once each member is pinned.
 *
 * <p>The search itself must not follow a pid that may have been reused. Once a root is
 * reaped its pid is free: a stranger may hold it, and the children of that stranger have
 * the root's pid as their parent. So the search descends by parent pid only from roots
 * still unreaped, and from pinned processes still running, both checked after {@code /proc}
 * was read. A reaped root's group is still searched (its members may outlive it, and while
 * one does the kernel does not hand the group id out as a pid), unless a process with the
 * root's pid exists: then the id was free again and the group found is a stranger's.
 *
 * <h2>Foreign roots</h2>
 * A process this JVM did not start (or that another JVM started, for the guardian) can be a
 * root too, known by its pid and the range its start time lies in (the spawner reads the boot
 * clock just before and after the fork): it is pinned only if the process at that pid started
 * within that range, and its group is searched only for members in the session it was
 * registered with. A pid reused since would have started later.
 *
 * <h2>Forks racing the kill</h2>
 * A process that forks as it is signalled leaves a child the last search did not see; once
 * the parent dies, that child hangs from the reaper, found again only if it is in a group
 * being searched. Foreign roots are killed for their JVM's death, where nothing may be left,
 * so their tree is frozen first: SIGSTOP to every process found, a wait until each has
 * stopped (a stopped process cannot fork, and a fork under way has linked its child by
 * then), another search, and again, until a search finds nothing new. Only then are they
 * signalled (and sent SIGCONT, so that a caught signal is handled); before SIGKILL they are
 * frozen again.
 */
public final class ProcessTree implements AutoCloseable {
    /**
     * A process to kill with its tree that is not a {@link Child} of this JVM.
     *
     * @param pid its pid
     * @param earliestStart the earliest start time it can have (clock ticks since boot, as
     *     {@code /proc} shows start times)
     * @param latestStart the latest start time it can have
     * @param groupLeader true if it leads its own process group
     * @param session the session it is in
     */
    public record Foreign(int pid, long earliestStart, long latestStart, boolean groupLeader, int session) {}

    /** How many rounds of stopping and searching a freeze makes at most (a fork bomb never ends). */
    private static final int FREEZE_ROUNDS = 100;
    /** How long a freeze waits for processes to stop in one round: one in uninterruptible sleep stops when it leaves it. */
    private static final long STOP_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a freeze goes on while some process has not stopped yet, in all. */
    private static final long FREEZE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<Child> roots;
    private final int self = Processes.getpid();
    private final Map<Integer, Integer> pinned = new HashMap<>();
    /** Groups of foreign roots, by group id: the session their members must be in. */
    private final Map<Integer, Integer> foreignGroups = new HashMap<>();

    private ProcessTree(Collection<Child> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Sends {@code first} to each root's tree, waits up to {@code grace} for all of it to end,
     * then sends SIGKILL to what is left and waits for the roots to be reaped.
     */
    static void kill(Collection<Child> roots, Signal first, Duration grace) throws InterruptedException {
        kill(roots, Set.of(), first, grace);
    }

    /** As {@link #kill(Collection, Signal, Duration)}, with {@code alsoPids} and their descendants in the tree. */
    static void kill(Collection<Child> roots, Set<Integer> alsoPids, Signal first, Duration grace)
            throws InterruptedException {
        try (ProcessTree tree = new ProcessTree(roots)) {
            for (int pid : alsoPids) {
                ProcFs.stat(pid).ifPresent(s -> tree.pin(s, Set.of()));
            }
            tree.collect();
            tree.signal(first);
            tree.collect();
            tree.signal(first);
            long deadline = System.nanoTime() + grace.toNanos();
            if (first == Signal.SIGKILL || tree.awaitGone(deadline)) {
                if (first == Signal.SIGKILL) {
                    tree.awaitGone(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                }
                return;
            }
            tree.collect();
            tree.signal(Signal.SIGKILL);
            tree.awaitGone(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
    }

    /**
     * Kills {@code roots} (processes this JVM did not start) with their trees: {@code first}
     * to all, SIGKILL to what is left after {@code grace}. A root whose pid now names another
     * process is left alone.
     */
    public static void killForeign(Collection<Foreign> roots, Signal first, Duration grace)
            throws InterruptedException {
        try (ProcessTree tree = new ProcessTree(List.of())) {
            for (Foreign root : roots) {
                tree.pinStartedBetween(root.pid(), root.earliestStart(), root.latestStart());
                if (root.groupLeader()) {
                    tree.foreignGroups.put(root.pid(), root.session());
                }
            }
            tree.freeze();
            tree.signal(first);
            tree.signal(Signal.SIGCONT);
            if (first != Signal.SIGKILL && tree.awaitGone(System.nanoTime() + grace.toNanos())) {
                int known = tree.pinned.size();
                tree.collect(); // what a handler forked on its way out, if a group search finds it
                if (tree.pinned.size() == known) {
                    return;
                }
            }
            tree.freeze();
            tree.signal(Signal.SIGKILL);
            tree.awaitGone(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
    }

    /** Stops the whole tree: see "Forks racing the kill". */
    private void freeze() throws InterruptedException {
        collect();
        long giveUp = System.nanoTime() + FREEZE_PATIENCE_NANOS;
        for (int round = 0; round < FREEZE_ROUNDS; round++) {
            signal(Signal.SIGSTOP);
            boolean allStopped = awaitStopped(Math.min(giveUp, System.nanoTime() + STOP_PATIENCE_NANOS));
            int known = pinned.size();
            collect();
            // A process not stopped yet (on a busy machine it may wait long for a CPU) can still
            // fork: search again after it stops, until the whole freeze runs out of patience.
            if (pinned.size() == known && (allStopped || System.nanoTime() - giveUp >= 0)) {
                return;
            }
        }
    }

    /**
     * Waits until every pinned process has stopped or exited: true if they all have; false at
     * the deadline with some still running.
     */
    private boolean awaitStopped(long deadline) throws InterruptedException {
        boolean all = true;
        for (Map.Entry<Integer, Integer> p : pinned.entrySet()) {
            while (running(p.getValue()) && !stopped(p.getKey())) {
                if (System.nanoTime() - deadline >= 0) {
                    all = false;
                    break;
                }
                Thread.sleep(1);
            }
        }
        return all;
    }

    /** True if {@code pid}, known to be running (so not reused), is stopped by a signal. */
    private static boolean stopped(int pid) {
        return ProcFs.stat(pid).map(s -> s.state() == 'T' || s.state() == 't' || s.gone()).orElse(true);
    }

    /** Finds the roots' descendants and group members, and pins the new ones. */
    private void collect() {
        List<ProcFs.Stat> all = ProcFs.all();
        Map<Integer, List<ProcFs.Stat>> byParent = new HashMap<>();
        Map<Integer, ProcFs.Stat> byPid = new HashMap<>();
        for (ProcFs.Stat s : all) {
            byParent.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
            byPid.put(s.pid(), s);
        }
        // Only pids that still named our processes when /proc was read may lead further: a
        // root checked unreaped now was unreaped then, a pinned process still running now was
        // running then. Any other pid may since belong to a stranger (see "Pid reuse").
        Set<Integer> rootPids = new HashSet<>();
        Set<Integer> groups = new HashSet<>();
        ArrayDeque<Integer> parents = new ArrayDeque<>();
        pinned.forEach((pid, pidfd) -> {
            if (running(pidfd)) {
                parents.add(pid);
            }
        });
        for (Child root : roots) {
            rootPids.add(root.pid());
            boolean reaped = root.reaped();
            if (!reaped) {
                parents.add(root.pid());
            }
            if (root.groupLeader() && (!reaped || !byPid.containsKey(root.pid()))) {
                groups.add(root.pid());
            }
        }
        Set<Integer> seen = new HashSet<>(parents);
        seen.addAll(rootPids);
        while (!parents.isEmpty()) {
            for (ProcFs.Stat s : byParent.getOrDefault(parents.poll(), List.of())) {
                if (seen.add(s.pid())) {
                    parents.add(s.pid());
                    pin(s, rootPids);
                }
            }
        }
        if (!groups.isEmpty()) {
            Optional<ProcFs.Stat> me = Optional.ofNullable(byPid.get(self));
            for (ProcFs.Stat s : all) {
                if (groups.contains(s.pgrp()) && seen.add(s.pid())
                        && me.map(m -> s.session() == m.session() || s.session() == s.pgrp()).orElse(true)) {
                    pin(s, rootPids);
                }
            }
        }
        for (ProcFs.Stat s : all) {
            Integer session = foreignGroups.get(s.pgrp());
            if (session != null && s.session() == session && seen.add(s.pid())) {
                pin(s, rootPids);
            }
        }
    }

    /** True if the process behind {@code pidfd} has not exited yet. */
    private static boolean running(int pidfd) {
        try {
            return Fds.pollReadable(new int[] {pidfd}, 0) == 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    private void pin(ProcFs.Stat s, Set<Integer> rootPids) {
        if (s.pid() == self || rootPids.contains(s.pid()) || pinned.containsKey(s.pid()) || s.gone()) {
            return;
        }
        int pidfd;
        try {
            pidfd = Pidfd.pidfd_open(s.pid());
        } catch (ErrnoException e) {
            return; // gone already
        }
        Optional<ProcFs.Stat> now = ProcFs.stat(s.pid());
        if (now.isPresent() && now.get().startTime() == s.startTime()) {
            pinned.put(s.pid(), pidfd);
        } else {
            Fds.closeQuietly(pidfd);
        }
    }

    /** Pins {@code pid} if the process there started within [{@code earliest}, {@code latest}]. */
    private void pinStartedBetween(int pid, long earliest, long latest) {
        if (pid == self || pinned.containsKey(pid)) {
            return;
        }
        int pidfd;
        try {
            pidfd = Pidfd.pidfd_open(pid);
        } catch (ErrnoException e) {
            return; // gone already
        }
        Optional<ProcFs.Stat> now = ProcFs.stat(pid);
        if (now.isPresent() && now.get().startTime() >= earliest && now.get().startTime() <= latest) {
            pinned.put(pid, pidfd);
        } else {
            Fds.closeQuietly(pidfd);
        }
    }

    private void signal(Signal signal) {
        for (Child root : roots) {
            root.signalGroup(signal);
            root.signal(signal);
        }
        for (int pidfd : pinned.values()) {
            try {
                Pidfd.pidfd_send_signal(pidfd, signal.number());
            } catch (ErrnoException e) {
                // EPERM: not ours to kill (a setuid program); nothing more to do for it.
            }
        }
    }

    /** Waits until every root is reaped and every pinned process has exited; false at the deadline. */
    private boolean awaitGone(long deadline) throws InterruptedException {
        for (Child root : roots) {
            if (!ExitStages.await(root.exit(), root.pid(), deadline - System.nanoTime())) {
                return false;
            }
        }
        for (int pidfd : pinned.values()) {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    if (Fds.pollReadable(new int[] {pidfd}, (int) Math.min(100, TimeUnit.NANOSECONDS.toMillis(left) + 1)) > 0) {
                        break;
                    }
                } catch (ErrnoException e) {
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        pinned.values().forEach(Fds::closeQuietly);
        pinned.clear();
    }
}
