package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.Clock;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import dev.multiproc.internal.posix.Processes;
import dev.multiproc.internal.posix.SigSet;
import dev.multiproc.internal.posix.Spawn;
import dev.multiproc.internal.posix.SpawnAttributes;
import dev.multiproc.internal.posix.SpawnFileActions;
import dev.multiproc.internal.posix.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Starts children, on the calling thread.
 *
 * <h2>Why on the caller's thread</h2>
 * Nothing multiproc relies on is tied to the thread that spawns a child: it never arms
 * {@code PR_SET_PDEATHSIG} (which fires when the spawning <em>thread</em> exits); a child's
 * end is the guardian's and the lifeline's business. So a spawn needs no thread of its own,
 * and handing it to one would cost two thread wake-ups per spawn (see
 * {@code docs/decisions.md}). Each call has its own arena, file actions and attributes;
 * what it shares (the table of live children, the event loop, the watchdog) is thread-safe.
 * A spawn cannot be abandoned halfway: a downcall does not answer {@link Thread#interrupt},
 * so once {@code posix_spawnp} returns a pid, the child is tracked before the call returns.
 * A virtual thread that spawns holds its carrier for the spawn (glibc's {@code posix_spawn}
 * suspends the calling thread until the child has called {@code execve}).
 *
 * <h2>Guarded children</h2>
 * The watchdog hears of a guarded child twice: before the fork ({@link Watchdog#announce},
 * which returns once the line is in the guardian's pipe), and with its pid once
 * {@code posix_spawnp} returns. So a child whose spawn this JVM does not survive is still
 * looked for when the guardian sees the JVM die. Other children are named to the watchdog as
 * children to spare.
 *
 * <h2>What the child gets</h2>
 * <ul>
 *   <li>its arguments and environment byte for byte as the plan holds them; a file the kernel
 *   will not execute for want of {@code #!} runs with {@code /bin/sh}, as with {@code execvp}
 *   ({@link Spawn#spawnp}).</li>
 *   <li>fds 0–2 as the plan says, the passed fds at their numbers, and nothing else:
 *   every other fd is closed with {@code closefrom} (Python's {@code close_fds=True}). So
 *   that no {@code dup2} overwrites a source another one still needs, every source that sits
 *   at or below the highest target is first copied above it.</li>
 *   <li>an empty signal mask and the default disposition for signals 1–31. The JVM blocks
 *   and handles signals of its own; none of that may leak into the child. (glibc sets its
 *   two internal signals, 32 and 33, to ignored in the child of a threaded parent; asking
 *   for them to be default leaves the child's mask fully blocked, so they are left out.)</li>
 * </ul>
 */
final class Spawner {
    private final EventLoop loop;
    private final Engine engine;
    private final SigSet emptyMask;
    private final SigSet standardSignals;
    private final MemorySegment inheritedEnvironment;

    Spawner(EventLoop loop, Engine engine) throws ErrnoException {
        this.loop = loop;
        this.engine = engine;
        Arena global = Arena.global();
        emptyMask = SigSet.empty(global);
        standardSignals = SigSet.empty(global);
        for (int signal = 1; signal <= 31; signal++) {
            if (signal != 9 && signal != 19) { // SIGKILL and SIGSTOP cannot be caught or ignored
                standardSignals.add(signal);
            }
        }
        inheritedEnvironment = Spawn.byteStringArray(global, Environments.inherited());
    }

    /** Starts a child as {@code plan} says, on the calling thread; returns it already watched. */
    Child spawn(SpawnPlan plan) throws ErrnoException {
        List<Integer> copies = new ArrayList<>();
        try (Arena arena = Arena.ofConfined();
             SpawnFileActions actions = new SpawnFileActions(arena);
             SpawnAttributes attributes = new SpawnAttributes(arena)) {
            planFds(plan, actions, copies);
            if (plan.directory() != null) {
                actions.addchdir_np(plan.directory());
            }
            short flags = SpawnAttributes.POSIX_SPAWN_SETSIGMASK | SpawnAttributes.POSIX_SPAWN_SETSIGDEF;
            if (plan.newSession()) {
                flags |= SpawnAttributes.POSIX_SPAWN_SETSID;
            } else if (plan.newProcessGroup()) {
                flags |= SpawnAttributes.POSIX_SPAWN_SETPGROUP;
                attributes.setpgroup(0);
            }
            attributes.setflags(flags);
            attributes.setsigmask(emptyMask);
            attributes.setsigdefault(standardSignals);
            MemorySegment envp = plan.environment() == null
                    ? inheritedEnvironment : Spawn.byteStringArray(arena, plan.environment());
            MemorySegment argv = Spawn.byteStringArray(arena, plan.argvBytes());
            long before = Clock.bootTicks();
            Watchdog watchdog = engine.watchdog();
            long announcement = plan.guarded() && watchdog != null
                    ? watchdog.announce(before, plan.newProcessGroup(), plan.newSession()) : Watchdog.NONE;
            int pid;
            try {
                pid = Spawn.spawnp(actions, attributes, argv, envp, plan.program(), plan.directory());
            } catch (Throwable t) {
                abandon(watchdog, announcement);
                throw t;
            }
            return track(pid, plan, before, Clock.bootTicks(), watchdog, announcement);
        } finally {
            copies.forEach(Fds::closeQuietly);
        }
    }

    /**
     * Tracks a child just spawned; its start time lies between {@code before} and {@code after}
     * (boot ticks). {@code announcement} is what the watchdog answered before the spawn.
     */
    private Child track(int pid, SpawnPlan plan, long before, long after, Watchdog watchdog, long announcement)
            throws ErrnoException {
        int pidfd;
        try {
            pidfd = Pidfd.pidfd_open(pid);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                // Already gone, and reaped by the kernel: SIGCHLD is ignored (see Child).
                abandon(watchdog, announcement);
                return Child.reapedByTheKernel(pid, plan.argv(), plan.kind(), plan.name(), plan.daemon(),
                        plan.groupLeader());
            }
            // Out of fds, most likely. Do not leave an untracked child behind.
            Processes.kill(pid, 9);
            Wait.waitid(Wait.P_PID, pid, Wait.WEXITED);
            abandon(watchdog, announcement);
            throw e;
        }
        Child child = new Child(pid, pidfd, plan.argv(), plan.kind(), plan.name(), plan.daemon(),
                plan.groupLeader(), plan.guarded());
        engine.remember(child);
        if (announcement != Watchdog.NONE) {
            // The kernel stamped the child's start time at the fork, inside [before, after].
            // Reading it from /proc instead would wait for the child's execve to finish.
            watchdog.register(pid, before, after, plan.groupLeader(),
                    plan.newSession() ? pid : engine.session(), announcement);
        } else if (!plan.guarded() && watchdog != null && plan.kind() != Child.Kind.GUARDIAN) {
            watchdog.spare(pid, before, after);
        }
        child.watch(loop);
        return child;
    }

    private static void abandon(Watchdog watchdog, long announcement) {
        if (announcement != Watchdog.NONE) {
            watchdog.abandon(announcement);
        }
    }

    /** Adds the dup2/close actions that give the child exactly the fds of the plan. */
    private static void planFds(SpawnPlan plan, SpawnFileActions actions, List<Integer> copies)
            throws ErrnoException {
        int highestTarget = 2;
        BitSet targets = new BitSet();
        for (SpawnPlan.FdMapping m : plan.passed()) {
            highestTarget = Math.max(highestTarget, m.childFd());
            targets.set(m.childFd());
        }
        int[] stdio = plan.stdio();
        for (int target = 0; target <= 2; target++) {
            int source = stdio[target];
            if (source == SpawnPlan.INHERIT) {
                continue;
            }
            if (source == SpawnPlan.SAME_AS_STDOUT) {
                actions.adddup2(1, 2);
                continue;
            }
            actions.adddup2(above(source, highestTarget, copies), target);
        }
        for (SpawnPlan.FdMapping m : plan.passed()) {
            int source = m.parentFd() == m.childFd() ? m.parentFd() : above(m.parentFd(), highestTarget, copies);
            actions.adddup2(source, m.childFd()); // same numbers: clears FD_CLOEXEC
        }
        for (int fd = 3; fd <= highestTarget; fd++) {
            if (!targets.get(fd)) {
                actions.addclose(fd);
            }
        }
        actions.addclosefrom_np(highestTarget + 1);
    }

    /** {@code fd} itself if it is above {@code highestTarget}, else a close-on-exec copy above it. */
    private static int above(int fd, int highestTarget, List<Integer> copies) throws ErrnoException {
        if (fd > highestTarget) {
            return fd;
        }
        int copy = Fds.fcntl(fd, Fds.F_DUPFD_CLOEXEC, highestTarget + 1);
        copies.add(copy);
        return copy;
    }
}
