package dev.multiproc.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@code imap} and {@code mapAsync}: a map over inputs of any length, read as the results are,
 * and a map whose results come as a future.
 *
 * <h2>How imap keeps a bound</h2>
 * The inputs are read on the thread that reads the results, a piece at a time: a piece is a
 * map call of its own over the next few inputs (its function sent to a worker once, as for any
 * map call). Pieces are started while fewer than {@code buffersize} elements are in flight, so
 * an endless input is never read ahead by more than that, and the results are handed out in
 * input order, each as soon as it and those before it are settled. Closing the stream (or an
 * interrupt while it waits) cancels every piece in flight: what has not started never runs.
 */
public final class LazyMaps {
    /** Pieces in flight at the full bound: enough that one finishing leaves the workers busy. */
    private static final int PIECES = 4;

    private LazyMaps() {}

    /**
     * The default bound on elements in flight: enough to keep every worker's window full, for
     * {@code workers} workers taking {@code chunkSize} elements a job.
     */
    public static int defaultBuffer(int workers, int chunkSize) {
        long bound = Math.max(1024L, 256L * workers) * chunkSize;
        return (int) Math.min(bound, 1 << 20);
    }

    /**
     * Applies {@code fn} to each of {@code inputs} in the pool's workers, lazily: the stream
     * gives the results in input order, reading inputs only as it needs to, with at most
     * {@code buffersize} elements in flight. An element's failure is thrown where its result
     * would be. Closing the stream cancels what has not started.
     *
     * @throws IllegalArgumentException if {@code chunkSize} or {@code buffersize} is less than 1,
     *     or the function cannot be serialized (an input that cannot be is thrown when read)
     * @throws RejectedExecutionException if the pool is shut down
     */
    public static Stream<Object> imap(PoolCore core, Function<?, ?> fn, Iterator<?> inputs, int chunkSize,
            int buffersize) {
        Objects.requireNonNull(inputs, "inputs");
        Maps.nothingToDo(core, fn, List.of(), chunkSize);
        if (buffersize < 1) {
            throw new IllegalArgumentException("buffersize must be at least 1: " + buffersize);
        }
        Reader reader = new Reader(core, Maps.function(fn), fn.getClass().getClassLoader(), inputs, chunkSize,
                buffersize);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader, Spliterator.ORDERED), false)
                .onClose(reader::cancel);
    }

    /**
     * Applies {@code fn} to every input in the pool's workers; the future completes with the
     * results in input order, or with the failure of the lowest index. Cancelling it cancels
     * what has not started.
     *
     * @throws IllegalArgumentException as {@link Maps#map} does
     * @throws RejectedExecutionException if the pool is shut down
     */
    public static CompletableFuture<List<Object>> mapAsync(PoolCore core, Function<?, ?> fn, List<?> inputs,
            int chunkSize) {
        if (Maps.nothingToDo(core, fn, inputs, chunkSize)) {
            return CompletableFuture.completedFuture(List.of());
        }
        MapCall call = Maps.prepare(core, fn, inputs, chunkSize, true); // one call: its function's fds travel
        MapFuture future = new MapFuture(core, call);
        call.onDone(() -> {
            Throwable failure = call.firstFailure();
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(call.results());
            }
        });
        core.submit(call);
        return future;
    }

    /** The future of a {@link #mapAsync}: cancelling it reaches the pool. */
    private static final class MapFuture extends CompletableFuture<List<Object>> {
        private final PoolCore core;
        private final MapCall call;

        MapFuture(PoolCore core, MapCall call) {
            this.core = core;
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                core.cancel(call);
            }
            return cancelled;
        }
    }

    /** The iterator behind an {@code imap} stream: its pieces in flight and where it reads. */
    private static final class Reader implements Iterator<Object> {
        private final PoolCore core;
        private final byte[] function;
        private final ClassLoader loader;
        private final Iterator<?> inputs;
        private final int chunkSize;
        private final int buffersize;
        private final int pieceSize;
        private final ArrayDeque<MapCall> inFlight = new ArrayDeque<>();
        private int inFlightElements;
        /** Index, among all inputs, of the next to be read. */
        private long read;
        /** Index, in the head piece, of the next result to hand out. */
        private int position;
        private boolean cancelled;

        Reader(PoolCore core, byte[] function, ClassLoader loader, Iterator<?> inputs, int chunkSize,
                int buffersize) {
            this.core = core;
            this.function = function;
            this.loader = loader;
            this.inputs = inputs;
            this.chunkSize = chunkSize;
            this.buffersize = buffersize;
            int piece = Math.max(1, buffersize / PIECES);
            this.pieceSize = Math.max(chunkSize, piece - piece % chunkSize);
        }

        @Override
        public boolean hasNext() {
            if (cancelled) {
                return false;
            }
            fill();
            return !inFlight.isEmpty();
        }

        @Override
        public Object next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            MapCall head = inFlight.peekFirst();
            Object result;
            try {
                result = head.awaitAt(position);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new CancellationException("interrupted while waiting for the results of imap");
            }
            if (++position == head.size) {
                inFlight.removeFirst();
                inFlightElements -= head.size;
                position = 0;
            }
            if (result instanceof MapCall.Failed f) {
                throw Maps.unchecked(f.failure());
            }
            return result;
        }

        /** Starts pieces while the bound allows and inputs remain. */
        private void fill() {
            while (inFlightElements < buffersize && inputs.hasNext()) {
                int room = Math.min(pieceSize, buffersize - inFlightElements);
                List<Object> piece = new ArrayList<>(Math.min(room, 1024));
                while (piece.size() < room && inputs.hasNext()) {
                    piece.add(inputs.next());
                }
                MapCall call = Maps.prepare(core, function, loader, piece, read, chunkSize, true);
                call.readOneByOne();
                core.submit(call);
                read += piece.size();
                inFlight.addLast(call);
                inFlightElements += piece.size();
            }
        }

        /** Cancels every piece in flight; the stream ends. */
        void cancel() {
            cancelled = true;
            for (MapCall call : inFlight) {
                core.cancel(call);
            }
            inFlight.clear();
            inFlightElements = 0;
        }
    }
}
