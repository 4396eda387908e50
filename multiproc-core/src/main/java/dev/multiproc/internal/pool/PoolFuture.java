package dev.multiproc.internal.pool;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a task given to a pool. Cancelling it asks the pool first: a task not started
 * is taken back (from the queue, or skipped by its worker); a running one is stopped only with
 * {@code mayInterruptIfRunning}, by killing its worker. Stages made from it are plain
 * {@link CompletableFuture}s: cancelling one of those does not reach the pool.
 *
 * @param <T> the type of the result
 */
final class PoolFuture<T> extends CompletableFuture<T> {
    private final PoolCore pool;
    private TaskUnit unit;

    PoolFuture(PoolCore pool) {
        this.pool = pool;
    }

    void unit(TaskUnit unit) {
        this.unit = unit;
    }

    /**
     * Cancels the task if it has not started; if it runs, only when {@code mayInterruptIfRunning}
     * (its worker is killed and replaced, the tasks queued behind it go to other workers).
     *
     * @return true if the task is cancelled now
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        if (unit != null && !pool.cancel(unit, mayInterruptIfRunning)) {
            return isCancelled();
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /** Completes as cancelled without asking the pool: the pool has decided already. */
    void cancelled() {
        super.cancel(false);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
