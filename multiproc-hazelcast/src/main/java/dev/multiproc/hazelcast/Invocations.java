package dev.multiproc.hazelcast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** {@code invokeAll} and {@code invokeAny} over a pool's {@code submit}, with {@code ExecutorService}'s rules. */
final class Invocations {
    private Invocations() {}

    static <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long deadline,
                                         Function<Callable<T>, CompletableFuture<T>> submit)
            throws InterruptedException {
        List<CompletableFuture<T>> futures = submitAll(tasks, submit);
        try {
            for (CompletableFuture<T> f : futures) {
                if (!await(f, deadline)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            cancelAll(futures);
            throw e;
        }
        cancelAll(futures);
        return new ArrayList<>(futures);
    }

    static <T> T invokeAny(Collection<? extends Callable<T>> tasks, long deadline,
                           Function<Callable<T>, CompletableFuture<T>> submit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        List<CompletableFuture<T>> futures = submitAll(tasks, submit);
        CompletableFuture<T> first = new CompletableFuture<>();
        AtomicInteger failed = new AtomicInteger();
        for (CompletableFuture<T> f : futures) {
            f.whenComplete((value, e) -> {
                if (e == null) {
                    first.complete(value);
                } else if (failed.incrementAndGet() == futures.size()) {
                    first.completeExceptionally(e instanceof CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                }
            });
        }
        try {
            if (deadline == Long.MAX_VALUE) {
                return first.get();
            }
            return first.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
            cancelAll(futures);
        }
    }

    private static <T> List<CompletableFuture<T>> submitAll(Collection<? extends Callable<T>> tasks,
                                                          Function<Callable<T>, CompletableFuture<T>> submit) {
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit.apply(t));
            }
        } catch (RuntimeException e) {
            cancelAll(futures);
            throw e;
        }
        return futures;
    }

    private static boolean await(CompletableFuture<?> f, long deadline) throws InterruptedException {
        try {
            if (deadline == Long.MAX_VALUE) {
                f.get();
            } else {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | CancellationException e) {
            // done, with a failure
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    static void cancelAll(List<? extends CompletableFuture<?>> futures) {
        for (CompletableFuture<?> f : futures) {
            if (!f.isDone()) {
                f.cancel(true);
            }
        }
    }
}
