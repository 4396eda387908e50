package dev.multiproc.hazelcast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code invokeAll} and {@code invokeAny} over a cluster pool's {@code submit}: the tasks are
 * submitted here, the waiting and cancelling are the local pool's own
 * ({@link dev.multiproc.internal.pool.Invocations}), so both pools follow {@code ExecutorService}'s
 * rules alike.
 */
final class Invocations {
    private Invocations() {}

    static <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long deadline,
                                         Function<Callable<T>, CompletableFuture<T>> submit)
            throws InterruptedException {
        return dev.multiproc.internal.pool.Invocations.all(submitAll(tasks, submit), deadline);
    }

    static <T> T invokeAny(Collection<? extends Callable<T>> tasks, long deadline,
                           Function<Callable<T>, CompletableFuture<T>> submit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        return dev.multiproc.internal.pool.Invocations.any(submitAll(tasks, submit), deadline);
    }

    private static <T> List<CompletableFuture<T>> submitAll(Collection<? extends Callable<T>> tasks,
                                                          Function<Callable<T>, CompletableFuture<T>> submit) {
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit.apply(t));
            }
        } catch (RuntimeException e) {
            dev.multiproc.internal.pool.Invocations.cancelAll(futures);
            throw e;
        }
        return futures;
    }
}
