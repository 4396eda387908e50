package dev.multiproc;

import java.io.Serial;

/**
 * The worker JVM of a {@link ProcessPool} ended while it ran this task: the task called
 * {@code System.exit}, ran out of memory, crashed the JVM, or the worker was killed from
 * outside. {@link #exitStatus()} says how it ended and {@link #stderrTail()} holds the last
 * of its stderr (the JVM's own message, an {@code OutOfMemoryError}'s stack trace). Only the
 * task that was running fails; the pool starts another worker and goes on.
 *
 * <p>Also the failure of the task a worker was running when the worker's channel to the pool
 * was corrupted (a frame out of order, such as one a task wrote onto it: the worker is killed,
 * and the message says so), and of every task when the pool cannot start its workers for a
 * reason that would repeat (a JVM option the JVM refuses, an initializer that throws: then the
 * cause is its exception).
 *
 * <p>On a cluster, the death of the member that ran the task is a {@link MemberDiedException}.
 */
public class WorkerDiedException extends ChildFailedException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long workerPid;

    /**
     * A worker's death.
     *
     * @param message what happened, for people
     * @param workerPid the worker's process id
     * @param exitStatus how it ended, or null if not known
     * @param stderrTail the last of its stderr, or empty
     * @param cause the exception behind it (an initializer's), or null
     */
    public WorkerDiedException(String message, long workerPid, ExitStatus exitStatus, String stderrTail,
                               Throwable cause) {
        super(message, null, exitStatus, stderrTail, cause);
        this.workerPid = workerPid;
    }

    /** The process id the worker had, or -1 if it is not known here (a member's death). */
    public long workerPid() {
        return workerPid;
    }
}
