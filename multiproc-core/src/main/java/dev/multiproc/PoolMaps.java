package dev.multiproc;

import dev.multiproc.internal.pool.LazyMaps;
import dev.multiproc.internal.pool.Maps;
import dev.multiproc.internal.pool.PoolCore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * The map calls of {@link ProcessPool}: one function over many inputs, each input (or chunk of
 * inputs) a task; results all at once ({@code map}), in the order they are ready
 * ({@code mapUnordered}), lazily in input order over inputs of any length ({@code imap}), or as a
 * future ({@code mapAsync}).
 */
abstract sealed class PoolMaps extends SerializableExecutor permits ProcessPool {
    /** The pool's core, which runs the calls. */
    abstract PoolCore core();

    /**
     * Applies {@code fn} to each input in the workers, each input a task of its own, and
     * returns the results in input order (Python's {@code Pool.map}). The function is sent to
     * each worker once per call. Waits for every task to settle; if any failed, throws the
     * failure of the lowest index (a {@link WorkerDiedException}, a {@link TaskTimeoutException},
     * or what {@code fn} threw). For many small inputs, {@link #map(SerializableFunction, List, int)}
     * with chunks is much faster.
     *
     * @return the results, unmodifiable (nulls allowed); an empty list at once for no inputs
     * @throws IllegalArgumentException if the function or an input cannot be serialized (the
     *     message names the input's index)
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the inputs not started are cancelled
     */
    public <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs) throws InterruptedException {
        return map(fn, inputs, 1);
    }

    /**
     * Applies {@code fn} to each input in the workers, {@code chunkSize} inputs per task, and
     * returns the results in input order. A chunk is one task: it runs in one worker, it is what
     * a timeout limits, and a worker's death fails the whole chunk. Otherwise as
     * {@link #map(SerializableFunction, List)}.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the inputs not started are cancelled
     */
    @SuppressWarnings("unchecked")
    public <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize)
            throws InterruptedException {
        return (List<R>) Maps.map(core(), fn, inputs, chunkSize);
    }

    /**
     * Applies {@code fn} to each input in the workers, each input a task of its own; the
     * results come in the order they are ready, as the stream is read (Python's
     * {@code imap_unordered}). A failed task throws its failure when the stream reaches it.
     * Closing the stream cancels the inputs not started.
     *
     * @throws IllegalArgumentException if the function or an input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs) {
        return mapUnordered(fn, inputs, 1);
    }

    /**
     * As {@link #mapUnordered(SerializableFunction, List)}, {@code chunkSize} inputs per task.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings("unchecked")
    public <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) {
        return (Stream<R>) Maps.mapUnordered(core(), fn, inputs, chunkSize);
    }

    /**
     * Applies {@code fn} to each input in the workers, lazily (Python's {@code imap}): inputs of
     * any length, even endless, are read as the stream is, the results come in input order, each
     * as soon as it and those before it are ready, and a failed input throws its failure where
     * its result would be. At most a default bound of inputs are in flight (enough to keep every
     * worker busy); closing the stream cancels those not started.
     *
     * @throws IllegalArgumentException if the function cannot be serialized (an input that
     *     cannot be is thrown by the stream, naming its index)
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A, R> Stream<R> imap(SerializableFunction<A, R> fn, Iterable<A> inputs) {
        return imap(fn, Objects.requireNonNull(inputs, "inputs"), 1, LazyMaps.defaultBuffer(core().config().workers(), 1));
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable)}, {@code chunkSize} inputs per task and at
     * most {@code buffersize} inputs in flight (Python 3.14's {@code buffersize}).
     *
     * @throws IllegalArgumentException if {@code chunkSize} or {@code buffersize} is less than 1,
     *     or the function cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings("unchecked")
    public <A, R> Stream<R> imap(SerializableFunction<A, R> fn, Iterable<A> inputs, int chunkSize, int buffersize) {
        return (Stream<R>) LazyMaps.imap(core(), fn, Objects.requireNonNull(inputs, "inputs").iterator(), chunkSize,
                buffersize);
    }

    /**
     * As {@link #imap(SerializableFunction, Iterable)} over a stream of inputs, which is closed
     * with the stream of results.
     *
     * @throws IllegalArgumentException if the function cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings("unchecked")
    public <A, R> Stream<R> imap(SerializableFunction<A, R> fn, Stream<A> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        return ((Stream<R>) LazyMaps.imap(core(), fn, inputs.iterator(), 1, LazyMaps.defaultBuffer(core().config().workers(), 1)))
                .onClose(inputs::close);
    }

    /**
     * As {@link #map(SerializableFunction, List)} without waiting: the future completes with the
     * results in input order, or with the failure of the lowest index. Cancelling it cancels the
     * inputs not started.
     *
     * @throws IllegalArgumentException if the function or an input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<A, R> fn, List<A> inputs) {
        return mapAsync(fn, inputs, 1);
    }

    /**
     * As {@link #mapAsync(SerializableFunction, List)}, {@code chunkSize} inputs per task.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <A, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) {
        return (CompletableFuture) LazyMaps.mapAsync(core(), fn, inputs, chunkSize);
    }
}
