package dev.multiproc.internal.engine;

/**
 * Something outside this JVM that kills guarded children if this JVM dies (the guardian);
 * the engine tells it of each guarded child it starts and reaps, and of a normal exit.
 */
public interface Watchdog {
    /**
     * A guarded child started: its pid, the range its start time lies in (clock ticks since
     * boot, as {@code /proc} gives it), whether it leads its group, and its session.
     */
    void register(int pid, long earliestStart, long latestStart, boolean groupLeader, int session);

    /** A guarded child was reaped. */
    void forget(int pid);

    /** This JVM exits normally: leave every child be. */
    void release();
}
