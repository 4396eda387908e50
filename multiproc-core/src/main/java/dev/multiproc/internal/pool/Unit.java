package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.WireBuffer;

/**
 * One job as it travels: what one job frame carries to a worker, answered by one frame. Its
 * fields other than the final ones belong to the pool's lock.
 */
abstract sealed class Unit permits TaskUnit, MapUnit {
    /** The worker it was given to, or null while it waits in the pool's queue. */
    Worker worker;
    /** Its number among its worker's jobs, from 0: what a SKIP frame names. */
    int seq;
    /**
     * True once its outcome is decided (answered, failed, timed out, cancelled): from then on
     * nothing else may decide it. Set under the pool's lock.
     */
    boolean settled;
    /**
     * Its worker was asked to skip it so that an idle worker can run it instead: a SKIPPED
     * answer puts it back in the queue; any other answer is its outcome, as usual.
     */
    boolean reclaiming;

    /** Writes its job frame (and what must come before it) for {@code worker}. */
    abstract void encode(WireBuffer out, Worker worker);

    /** How many map elements it carries (1 for a task). */
    abstract int elements();

    /** True if a frame of {@code type} can be its answer. */
    abstract boolean answeredBy(byte type);
}
