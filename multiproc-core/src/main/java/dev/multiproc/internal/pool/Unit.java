package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.WireBuffer;

/**
 * One job as it travels: what one job frame carries to a worker, answered by one frame. Its
 * fields other than the final ones belong to the pool's lock.
 *
 * <h2>A job is decided once</h2>
 * An answer, a deadline, a cancel, a death, a shutdown and a broken pool may each want to
 * decide a job, and several may want it at the same moment (a kill races with the answer it
 * was meant to prevent). Whoever decides calls {@link #settle()} first and acts only if it
 * returns true; every later attempt is refused there. The outcome itself is delivered after
 * the lock is released (see {@link Batch}), which settles the job when it records the decision.
 */
abstract sealed class Unit permits TaskUnit, MapUnit {
    /** The worker it was given to, or null while it waits in the pool's queue. */
    Worker worker;
    /** Its number among its worker's jobs, from 0: what a SKIP frame names. */
    int seq;
    /**
     * Its worker was asked to skip it so that an idle worker can run it instead: a SKIPPED
     * answer puts it back in the queue; any other answer is its outcome, as usual.
     */
    boolean reclaiming;
    private boolean settled;

    /**
     * Decides this job: true the first time, false ever after. Only the caller that got true
     * may give the job its outcome.
     */
    final boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        Carried fds = carried();
        if (fds != null) {
            fds.release(worker == null ? FdSlots.UNKNOWN_RECEIVER : worker.pid); // decided: not sent again
        }
        return true;
    }

    /** The fds its frame carries to a worker (see {@link Carried}), or null. */
    Carried carried() {
        return null;
    }

    /**
     * The fds to send before its frame to {@code worker}, or null: its own, or for a map unit,
     * its function's if {@code worker} does not have the function yet.
     */
    abstract Carried carriedFor(Worker worker);

    /** True once its outcome is decided (answered, failed, timed out, cancelled). */
    final boolean isSettled() {
        return settled;
    }

    /** Writes its job frame (and what must come before it) for {@code worker}. */
    abstract void encode(WireBuffer out, Worker worker);

    /** How many map elements it carries (1 for a task). */
    abstract int elements();

    /** True if a frame of {@code type} can be its answer. */
    abstract boolean answeredBy(byte type);
}
