package dev.multiproc;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * A pool that runs Java tasks in worker JVMs: an {@link ExecutorService} whose futures are
 * {@link CompletableFuture}s, plus Python's {@code map} and {@code imap_unordered}. Code written
 * against it runs on one machine ({@link ProcessPool}) or on a cluster (the
 * {@code multiproc-hazelcast} module's {@code ClusterPool}) by changing only how the pool is
 * built.
 *
 * <pre>{@code
 * static List<Integer> squares(WorkerPool pool, List<Integer> inputs) throws InterruptedException {
 *     return pool.map(x -> x * x, inputs, 1_000);
 * }
 * }</pre>
 *
 * <p>Whatever the pool, a task is serialized where it is submitted and runs in a worker JVM; its
 * value or its exception (its own class, message, cause and the worker's stack trace) comes
 * back; a worker that dies fails only the task it ran, with a {@link WorkerDiedException}; a
 * task over the pool's task timeout fails with a {@link TaskTimeoutException}, and its worker is
 * killed; {@code cancel(true)} on a running task kills its worker.
 */
public interface WorkerPool extends ExecutorService {

    /**
     * Runs {@code task} in a worker. A lambda given to {@code submit} is a {@code Task}, and so
     * serializable.
     *
     * @return a future completed with the task's value, or failed with its exception
     * @throws IllegalArgumentException if the task cannot be serialized; the message names what
     *     is not serializable and the way to it
     * @throws RejectedExecutionException if the pool is shut down
     */
    <T> CompletableFuture<T> submit(Task<T> task);

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    <T> CompletableFuture<T> submit(Callable<T> task);

    /**
     * Runs {@code task} in a worker; a lambda given to {@code submit} that returns nothing is
     * one of these.
     *
     * @return a future completed with null when the task is done
     * @throws IllegalArgumentException if the task cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    CompletableFuture<Void> submit(SerializableRunnable task);

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    CompletableFuture<?> submit(Runnable task);

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}; the future's value is
     * {@code result}, which stays in this JVM.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    <T> CompletableFuture<T> submit(Runnable task, T result);

    /**
     * Runs {@code command} in a worker; an exception it throws is printed to this JVM's stderr,
     * as an uncaught exception in a thread is.
     *
     * @throws IllegalArgumentException if the command cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    void execute(SerializableRunnable command);

    /**
     * Applies {@code fn} to each input in the workers, each input a task of its own, and
     * returns the results in input order (Python's {@code Pool.map}). Waits for every task to
     * settle; if any failed, throws the failure of the lowest index.
     *
     * @return the results, unmodifiable (nulls allowed); an empty list at once for no inputs
     * @throws IllegalArgumentException if the function or an input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the inputs not started are cancelled
     */
    <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs) throws InterruptedException;

    /**
     * As {@link #map(SerializableFunction, List)}, {@code chunkSize} inputs per task: a chunk
     * runs in one worker, is what a timeout limits, and a worker's death fails the whole chunk.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the inputs not started are cancelled
     */
    <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) throws InterruptedException;

    /**
     * Applies {@code fn} to each input in the workers; the results come in the order they are
     * ready, as the stream is read (Python's {@code imap_unordered}). A failed task throws its
     * failure when the stream reaches it; closing the stream cancels the inputs not started.
     *
     * @throws IllegalArgumentException if the function or an input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs);

    /**
     * As {@link #mapUnordered(SerializableFunction, List)}, {@code chunkSize} inputs per task.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize);
}
