package dev.multiproc.internal.pool;

import dev.multiproc.internal.posix.ErrnoException;
import java.util.concurrent.TimeUnit;

/**
 * A thread that waits for a task's future reads the task's answer itself.
 *
 * <h2>Two hand-offs instead of three</h2>
 * A round trip through the pool's thread takes three hand-offs: the submitter's {@code write}
 * wakes the worker, the worker's answer wakes the pool's thread, which completes the future and
 * wakes the submitter. Each is the wake-up of a sleeping thread: on an idle virtual machine an
 * interrupt into a halted vCPU, on a busy machine a wait for a CPU; and the pool's thread spends
 * CPU of its own for each. So a thread that waits in {@code get()} or {@code join()} for a task
 * that a ready worker holds claims that worker's answers ({@link WorkerLink}, "A claimed link"):
 * the pool's thread stops watching the pipe ({@code PoolIo.mute}), the waiting thread polls it,
 * takes the turn itself when the answer comes (under the pool's lock, as the pool's thread
 * would), and completes its own future. The pool's thread is not woken at all.
 *
 * <h2>What stays as it was</h2>
 * <ul>
 *   <li>Stages run on the pool's thread: the outcomes of other jobs decided in the same turn
 *   (answers of tasks queued in the same worker, map elements), and the waiter's own if stages
 *   hang on it, are handed to the pool's thread. Only a future nobody but its waiters depends
 *   on is completed on the waiting thread.</li>
 *   <li>Virtual threads do not claim (the poll would hold their carrier), nor do the pool's own
 *   threads; one thread claims a worker at a time; the others wait as before.</li>
 *   <li>An interrupt is seen within {@link #SLICE_MILLIS}: the thread polls in slices, and
 *   after {@link #CLAIM_NANOS} it gives the claim back and waits as before, so a long task
 *   costs it a few wake-ups, then none.</li>
 *   <li>Whoever completes the future meanwhile (the pool's thread at a death or a deadline,
 *   another thread's cancel) wakes the claimant through the link's eventfd.</li>
 * </ul>
 */
final class Waiting {
    /** How long a thread reads for itself before it waits as before. */
    static final long CLAIM_NANOS = 50_000_000;
    /** The longest poll, between two looks at the thread's interrupt. */
    static final int SLICE_MILLIS = 10;

    private final PoolCore core;

    Waiting(PoolCore core) {
        this.core = core;
    }

    /**
     * Reads for {@code future} until it is done, {@code nanos} pass, the thread is interrupted,
     * or its worker can no longer be read this way; returns without waiting if the thread may
     * not or cannot claim. The caller then waits as usual.
     */
    void await(PoolFuture<?> future, long nanos) {
        TaskUnit unit = future.unit();
        Thread me = Thread.currentThread();
        if (unit == null || nanos <= 0 || me.isVirtual() || me.isInterrupted() || core.onPoolThread()) {
            return;
        }
        WorkerLink link = core.claim(unit, me);
        if (link == null) {
            return;
        }
        long end = System.nanoTime() + Math.min(CLAIM_NANOS, nanos);
        future.waitingOn(link);
        try {
            while (!future.isDone() && !me.isInterrupted() && unit.worker == link.worker && !link.atEnd()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                link.awaitAnswer((int) Math.min(SLICE_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
                if (future.isDone()) {
                    return;
                }
                Batch batch = core.readClaimed(link, me);
                Runnable others = future.getNumberOfDependents() == 0 ? batch.deliverOnly(unit) : batch::deliver;
                if (others != null) {
                    core.post(b -> b.run(others));
                }
            }
        } catch (ErrnoException e) {
            // poll or the eventfd failed: wait as usual
        } finally {
            future.waitingOn(null);
            core.release(link);
        }
    }
}
