package dev.multiproc;

import dev.multiproc.internal.engine.ProcFs;
import java.util.List;
import java.util.Optional;

/**
 * One process as {@code /proc} shows it at a moment: ids, state and command line.
 *
 * @param pid the process id
 * @param ppid its parent's id
 * @param pgid its process group's id
 * @param sid its session's id
 * @param state the kernel's state letter: {@code R} running, {@code S} sleeping, {@code Z}
 *     zombie, {@code T} stopped, ...
 * @param name the kernel's short name for it ({@code comm})
 * @param commandLine its arguments joined by spaces; empty for zombies and kernel threads
 */
public record ProcessEntry(long pid, long ppid, long pgid, long sid, char state, String name, String commandLine) {

    /** Every process visible in {@code /proc} now. */
    public static List<ProcessEntry> snapshot() {
        return ProcFs.all().stream().map(ProcessEntry::from).toList();
    }

    /**
     * The process {@code pid}, or empty if there is none (as for a number no pid can be: zero,
     * negative, or beyond the kernel's 32-bit range).
     */
    public static Optional<ProcessEntry> of(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return ProcFs.stat((int) pid).map(ProcessEntry::from);
    }

    /**
     * True if {@code pid} names a process that still runs: it exists and is neither a zombie
     * nor dead. A zombie has ended; it only waits for its parent to reap it.
     */
    public static boolean isRunning(long pid) {
        return of(pid).map(e -> !e.zombie()).orElse(false);
    }

    /** True for a zombie: ended, not reaped by its parent yet. */
    public boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    private static ProcessEntry from(ProcFs.Stat s) {
        return new ProcessEntry(s.pid(), s.ppid(), s.pgrp(), s.session(), s.state(), s.comm(),
                ProcFs.cmdline(s.pid()));
    }
}
