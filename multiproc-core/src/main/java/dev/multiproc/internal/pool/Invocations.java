package dev.multiproc.internal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code invokeAll} and {@code invokeAny} over tasks already submitted: the waiting, and the
 * cancelling of what is left (a running task's by killing its worker). A deadline is a
 * {@link System#nanoTime()} value, {@link Long#MAX_VALUE} for none.
 */
public final class Invocations {
    private Invocations() {}

    /**
     * Waits until every future is done or {@code deadline} passes; then cancels those not done.
     *
     * @throws InterruptedException if interrupted while waiting; the futures not done are cancelled
     */
    public static <T> List<Future<T>> all(List<CompletableFuture<T>> futures, long deadline)
            throws InterruptedException {
        try {
            for (CompletableFuture<T> f : futures) {
                if (!awaitQuietly(f, deadline)) {
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

    /**
     * The value of the first future to succeed; the others are then cancelled.
     *
     * @throws ExecutionException if every future failed (the cause is the last failure)
     * @throws TimeoutException if none succeeded before {@code deadline} (all are cancelled then)
     * @throws InterruptedException if interrupted while waiting (all are cancelled then)
     */
    public static <T> T any(List<CompletableFuture<T>> futures, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
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

    /** Cancels, running tasks included, every future not done. */
    public static void cancelAll(List<? extends CompletableFuture<?>> futures) {
        for (CompletableFuture<?> f : futures) {
            if (!f.isDone()) {
                f.cancel(true);
            }
        }
    }

    /** Waits for {@code f} until {@code deadline}; false if the deadline passed first. */
    private static boolean awaitQuietly(CompletableFuture<?> f, long deadline) throws InterruptedException {
        try {
            if (deadline == Long.MAX_VALUE) {
                f.get();
            } else {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | CancellationException e) {
            // done, with a failure: that is the future's business
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }
}
