package dev.multiproc.internal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Jobs taken back before their answer: one task or one map call cancelled, every job at
 * {@code shutdownNow}, every job of a broken pool. Under the pool's lock.
 *
 * <h2>Cancelling</h2>
 * A job not started is cancelled in the queue, or in a worker's hand by a SKIP frame, which the
 * worker reads before it starts each job. A running one (the first in hand of a ready worker)
 * is stopped only by killing its worker: a thread cannot be stopped safely, a process can. The
 * job is settled at once either way, so an answer that comes anyway (the worker started it
 * before the SKIP arrived) finds it decided and is dropped.
 */
final class Cancels {
    private final Dispatch dispatch;
    private final Actions actions;

    Cancels(Dispatch dispatch, Actions actions) {
        this.dispatch = dispatch;
        this.actions = actions;
    }

    /**
     * Cancels a task: true if it will not run (or, with {@code mayInterrupt}, was running and
     * its worker is being killed), false if it was decided already or runs and may not be
     * stopped. The caller completes its future.
     */
    boolean cancel(TaskUnit unit, boolean mayInterrupt, Batch batch) {
        if (unit.isSettled()) {
            return false;
        }
        Worker w = unit.worker;
        if (w == null) {
            unit.settle();
            dispatch.queue().remove(unit);
            return true;
        }
        if (w.wasReady() && w.head() == unit) {
            if (!mayInterrupt) {
                return false;
            }
            unit.settle();
            actions.kill(w, unit);
            return true;
        }
        unit.settle();
        dispatch.skip(w, unit, batch);
        return true;
    }

    /** Cancels what of a map call has not started; what runs finishes, its result unused. */
    void cancel(MapCall call, Batch batch) {
        if (call.cancelled) {
            return;
        }
        CancellationException why = new CancellationException("the map call was cancelled");
        batch.failElements(call, call.next, call.size, why);
        call.next = call.size;
        call.cancelled = true;
        for (Unit u : dispatch.queue().remove(call)) {
            batch.fail(u, why);
        }
        for (Worker w : dispatch.workers()) {
            for (Unit u : w.hand()) {
                if (u instanceof MapUnit m && m.call == call && batch.fail(u, why)
                        && !(w.wasReady() && w.head() == u)) {
                    dispatch.skip(w, u, batch);
                }
            }
        }
    }

    /**
     * Cancels every job, queued or in hand, and kills every worker ({@code shutdownNow}):
     * returns the tasks that had not started, as given.
     */
    List<Object> cancelAll(String poolName, Batch batch) {
        List<Object> unstarted = new ArrayList<>();
        CancellationException why = new CancellationException(poolName + " was shut down");
        for (Worker w : dispatch.workers()) {
            Unit running = w.wasReady() ? w.head() : null;
            for (Unit u : w.hand()) {
                if (batch.cancel(u) && u != running && u instanceof TaskUnit t) {
                    unstarted.add(t.original);
                }
            }
            actions.kill(w, null);
        }
        for (Unit u : dispatch.drainQueue(batch, why)) {
            if (batch.cancel(u) && u instanceof TaskUnit t) {
                unstarted.add(t.original);
            }
        }
        return unstarted;
    }

    /** Fails every job, queued or in hand, with {@code why}, and kills every worker (a broken pool). */
    void failAll(RuntimeException why, Batch batch) {
        for (Unit u : dispatch.drainQueue(batch, why)) {
            batch.fail(u, why);
        }
        for (Worker w : dispatch.workers()) {
            for (Unit u : w.hand()) {
                batch.fail(u, why);
            }
            actions.kill(w, null);
        }
    }
}
