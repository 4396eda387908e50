package dev.multiproc.hazelcast;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a task of a {@link ClusterPool}: cancelling it takes the task back if it waits
 * at the submitter, or (with {@code mayInterruptIfRunning}) has its member kill the worker that
 * runs it. The futures of stages chained on it are plain ones: cancelling them cancels no task.
 */
final class ClusterFuture<T> extends CompletableFuture<T> {
    private volatile Dispatcher dispatcher;
    private volatile ClusterJob job;

    void bind(Dispatcher dispatcher, ClusterJob job) {
        this.dispatcher = dispatcher;
        this.job = job;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        if (job != null && !dispatcher.cancel(job, mayInterruptIfRunning)) {
            return isCancelled();
        }
        return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
