package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.Protocol;

/**
 * Where the outcome of a decided job goes: to whoever waits for it (a future, a map call, this
 * JVM's stderr for {@code execute}). Called outside the pool's lock, once per job.
 */
interface Outcomes {
    /** {@code worker} answered {@code unit} with {@code answer}: its value or its failure. */
    void answer(Unit unit, Worker worker, Protocol.Frame answer);

    /** {@code unit} failed with {@code failure}. */
    void fail(Unit unit, Throwable failure);

    /** {@code unit} was cancelled. */
    void cancel(Unit unit);
}
