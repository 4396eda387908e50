package dev.multiproc.internal.pool;

import dev.multiproc.ExitStatus;
import dev.multiproc.ProcessStartException;
import dev.multiproc.internal.posix.ErrnoException;
import java.util.List;
import java.util.Set;

/**
 * Whether a worker that failed to start would fail again, and how long to wait before the next
 * start when it might not.
 *
 * <h2>The rule</h2>
 * A pool breaks only for a failure that would repeat: the worker reported its own failure (the
 * JVM refused an option and exited with its message, the main class is missing, the initializer
 * threw), or {@code java} cannot be run at all. A worker killed by a signal while it started
 * (a SIGKILL sweep, the kernel's OOM killer), or one that failed for lack of a resource (EAGAIN,
 * ENOMEM, EMFILE or ENFILE at the spawn; "unable to create native thread", an
 * {@code OutOfMemoryError} or "Cannot allocate memory" in its stderr) may well start next time:
 * it is started again, after a delay that doubles with each failure in a row.
 */
final class StartTrouble {
    /** The delay after the first failure in a row. */
    static final long FIRST_DELAY_NANOS = 100_000_000L;
    /** The longest delay: a pool short of resources for long tries again at this pace. */
    static final long MAX_DELAY_NANOS = 5_000_000_000L;

    /** Errno names of a resource that may come back. */
    private static final Set<String> RESOURCE_ERRNOS = Set.of("EAGAIN", "EWOULDBLOCK", "ENOMEM", "EMFILE", "ENFILE");

    /** What a JVM prints when it starts short of threads, memory or fds. */
    private static final List<String> RESOURCE_MESSAGES = List.of(
            "unable to create native thread",
            "pthread_create failed",
            "Cannot create worker GC thread",
            "Out of system resources",
            "java.lang.OutOfMemoryError",
            "Cannot allocate memory",
            "insufficient memory for the Java Runtime Environment",
            "Resource temporarily unavailable",
            "Too many open files");

    private StartTrouble() {}

    /**
     * True if a worker that ended with {@code status} before it was ready, having written
     * {@code stderrTail}, may start next time: it was killed by a signal, or it says it ran short
     * of a resource. A JVM that exits with its own message otherwise (an option it refuses, a
     * class it cannot find) would say the same again.
     */
    static boolean mayPassExit(ExitStatus status, String stderrTail) {
        if (status instanceof ExitStatus.Signaled) {
            return true;
        }
        return stderrTail != null && RESOURCE_MESSAGES.stream().anyMatch(stderrTail::contains);
    }

    /**
     * True if a worker whose spawn threw {@code failure} may start next time: the system ran
     * short of processes, memory or fds, or this JVM did ({@link VirtualMachineError}). A
     * {@code java} that cannot be run, or any other failure, would fail again.
     */
    static boolean mayPassSpawn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VirtualMachineError
                    || (t instanceof ErrnoException e && RESOURCE_ERRNOS.contains(e.errnoName()))
                    || (t instanceof ProcessStartException e && RESOURCE_ERRNOS.contains(e.errorName()))) {
                return true;
            }
        }
        return false;
    }

    /** How long to wait before the next start after {@code failuresInARow} failed starts: none for 0. */
    static long delayNanos(int failuresInARow) {
        if (failuresInARow <= 0) {
            return 0;
        }
        int doublings = Math.min(failuresInARow - 1, 16);
        return Math.min(MAX_DELAY_NANOS, FIRST_DELAY_NANOS << doublings);
    }
}
