package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.ErrnoException;

/**
 * Something outside this JVM that kills guarded children if this JVM dies (the guardian);
 * the engine tells it of each guarded child before and after its spawn, of each child it
 * reaps, of the children it must spare, and of a normal exit.
 */
public interface Watchdog {
    /** What {@link #announce} returns when there is nothing to announce to (after a normal exit). */
    long NONE = -1;

    /**
     * A guarded child is about to be spawned: returns only once the watchdog has been told (so
     * that a child whose spawn this JVM does not survive is found all the same), with a number
     * that {@link #register} or {@link #abandon} resolves.
     *
     * @param before the boot clock (clock ticks, as {@code /proc} gives start times) read before
     *     the spawn: the child's start time cannot be earlier
     * @param newProcessGroup the child leads a new process group
     * @param newSession the child leads a new session
     * @throws ErrnoException if no watchdog can be started to tell
     */
    long announce(long before, boolean newProcessGroup, boolean newSession) throws ErrnoException;

    /**
     * A guarded child started: its pid, the range its start time lies in (clock ticks since
     * boot, as {@code /proc} gives it), whether it leads its group, its session, and the number
     * its announcement got.
     */
    void register(int pid, long earliestStart, long latestStart, boolean groupLeader, int session,
                  long announcement);

    /** The announced spawn made no child (or its child was killed and reaped at once). */
    void abandon(long announcement);

    /** A child that must outlive this JVM started (a child JVM or a command that survives its parent). */
    void spare(int pid, long earliestStart, long latestStart);

    /** A guarded child was reaped. */
    void forget(int pid);

    /** This JVM exits normally: leave every child be. */
    void release();
}
