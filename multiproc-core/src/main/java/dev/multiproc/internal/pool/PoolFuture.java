package dev.multiproc.internal.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a task given to a pool. Cancelling it asks the pool first: a task not started
 * is taken back (from the queue, or skipped by its worker); a running one is stopped only with
 * {@code mayInterruptIfRunning}, by killing its worker. Stages made from it are plain
 * {@link CompletableFuture}s: cancelling one of those does not reach the pool.
 *
 * <p>A platform thread that waits for it in {@link #get()}, {@link #get(long, TimeUnit)} or
 * {@link #join()} first reads the task's answer itself, if it can (see {@link Waiting}); then it
 * waits as for any {@code CompletableFuture}.
 *
 * @param <T> the type of the result
 */
final class PoolFuture<T> extends CompletableFuture<T> {
    private final PoolCore pool;
    private TaskUnit unit;
    /** The link a thread waiting for this future reads, to be woken when it completes; or null. */
    private volatile WorkerLink waitingOn;

    PoolFuture(PoolCore pool) {
        this.pool = pool;
    }

    void unit(TaskUnit unit) {
        this.unit = unit;
    }

    TaskUnit unit() {
        return unit;
    }

    /** A thread reads {@code link} while it waits for this future (null: no longer). */
    void waitingOn(WorkerLink link) {
        waitingOn = link;
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
        return woken(super.cancel(mayInterruptIfRunning));
    }

    /** Completes as cancelled without asking the pool: the pool has decided already. */
    void cancelled() {
        woken(super.cancel(false));
    }

    @Override
    public boolean complete(T value) {
        return woken(super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return woken(super.completeExceptionally(ex));
    }

    /** Wakes a thread reading for this future, which is complete now. */
    private boolean woken(boolean completed) {
        WorkerLink link = waitingOn;
        if (link != null) {
            link.wakeClaimant();
        }
        return completed;
    }

    /** Waits for the task's outcome, reading its answer itself first if it can. */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            pool.await(this, Long.MAX_VALUE);
        }
        return super.get();
    }

    /** Waits up to {@code timeout} for the task's outcome, reading its answer itself first if it can. */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (isDone()) {
            return super.get(timeout, unit);
        }
        long nanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        pool.await(this, nanos);
        return super.get(Math.max(0, nanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
    }

    /** Waits for the task's outcome, reading its answer itself first if it can. */
    @Override
    public T join() {
        if (!isDone()) {
            pool.await(this, Long.MAX_VALUE);
        }
        return super.join();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
