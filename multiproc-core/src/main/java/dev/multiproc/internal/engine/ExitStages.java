package dev.multiproc.internal.engine;

import dev.multiproc.MultiprocException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a handle's waits and its {@code onExit()} make of the future that records a process's
 * end, so that every handle waits and fails the same way.
 *
 * <h2>onExit</h2>
 * The future {@code onExit()} returns is completed with the status on a virtual thread of its
 * own, never on the event thread (a slow stage must not hold up every other reap), with the
 * context class loader of the thread that asked for it (the event thread has none).
 *
 * <h2>A record that failed</h2>
 * The engine completes an exit future only with a status, so a failed one is a fault of the
 * library, not of the caller or the child. A wait on it throws a {@link MultiprocException}
 * that names the process and carries the failure, never an exception of the library's
 * internals or a bare {@code ExecutionException}.
 */
public final class ExitStages {
    private ExitStages() {}

    /** A future that completes with {@code exit}'s value (a status), on a virtual thread; see the class comment. */
    public static <T> CompletableFuture<T> onExit(CompletableFuture<T> exit) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return exit.thenApplyAsync(status -> status, task -> {
            Thread t = Thread.ofVirtual().name("multiproc-on-exit").unstarted(task);
            t.setContextClassLoader(loader);
            t.start();
        });
    }

    /**
     * Waits for {@code exit} and returns its value.
     *
     * @throws MultiprocException if the future failed (see the class comment)
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public static <T> T await(CompletableFuture<T> exit, long pid) throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException | CancellationException e) {
            throw failed(pid, e);
        }
    }

    /**
     * Waits up to {@code nanos} for {@code exit}: true once it is complete, false if the time
     * passed first. Zero or less looks once without waiting.
     *
     * @throws MultiprocException if the future failed (see the class comment)
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public static boolean await(CompletableFuture<?> exit, long pid, long nanos) throws InterruptedException {
        try {
            exit.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            throw failed(pid, e);
        }
    }

    private static MultiprocException failed(long pid, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new MultiprocException("cannot tell how process " + pid + " ended: the record of its end failed ("
                + cause + ")", cause);
    }
}
