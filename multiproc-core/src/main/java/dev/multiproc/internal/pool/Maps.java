package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** {@code map} and {@code mapUnordered}: one function, many arguments, sent once each. */
public final class Maps {
    private Maps() {}

    /**
     * Applies {@code fn} to every input in the pool's workers; returns the results in input
     * order once all are settled, or throws the failure of the lowest index.
     *
     * @param chunkSize elements per job (1 for one job per element)
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    public static List<Object> map(PoolCore core, Function<?, ?> fn, List<?> inputs, int chunkSize)
            throws InterruptedException {
        if (nothingToDo(core, fn, inputs, chunkSize)) {
            return List.of();
        }
        MapCall call = prepare(core, fn, inputs, chunkSize, true);
        core.submit(call);
        try {
            call.await();
        } catch (InterruptedException e) {
            core.cancel(call);
            throw e;
        }
        Throwable failure = call.firstFailure();
        if (failure != null) {
            throw unchecked(failure);
        }
        return call.results();
    }

    /**
     * Applies {@code fn} to every input in the pool's workers; the results come in the order
     * they are ready, as the stream is read. Closing the stream cancels the elements not started.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is less than 1, or the function or an
     *     input cannot be serialized
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    public static Stream<Object> mapUnordered(PoolCore core, Function<?, ?> fn, List<?> inputs, int chunkSize) {
        if (nothingToDo(core, fn, inputs, chunkSize)) {
            return Stream.empty();
        }
        MapCall call = prepare(core, fn, inputs, chunkSize, false);
        core.submit(call);
        Iterator<Object> results = new Iterator<>() {
            private int left = call.size;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public Object next() {
                if (left == 0) {
                    throw new NoSuchElementException();
                }
                Object next;
                try {
                    next = call.nextCompleted();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    core.cancel(call);
                    throw new CancellationException("interrupted while waiting for the results of mapUnordered");
                }
                left--;
                if (next instanceof MapCall.Failed f) {
                    throw unchecked(f.failure());
                }
                return next;
            }
        };
        return StreamSupport.stream(Spliterators.spliterator(results, call.size, 0), false)
                .onClose(() -> core.cancel(call));
    }

    /** Checks the arguments of a map; true if there are no inputs (and so nothing to do). */
    static boolean nothingToDo(PoolCore core, Function<?, ?> fn, List<?> inputs, int chunkSize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(inputs, "inputs");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1: " + chunkSize);
        }
        if (core.isShutdown()) {
            throw new RejectedExecutionException(core.config().name() + " is shut down: it takes no new tasks");
        }
        return inputs.isEmpty();
    }

    /** A call of {@code fn} over {@code inputs}; {@code fn} carries the fds its handles name (see {@link Carried}). */
    static MapCall prepare(PoolCore core, Function<?, ?> fn, List<?> inputs, int chunkSize, boolean ordered) {
        FdSlots.Collected<Serial.Bytes> collected = collect(fn);
        Serial.Bytes bytes = collected.value();
        return prepare(core, Arrays.copyOf(bytes.bytes(), bytes.length()), fn.getClass().getClassLoader(),
                inputs, 0, chunkSize, ordered, collected);
    }

    /**
     * {@code fn} serialized for the workers, with no fds: a handle it captures is refused where it
     * is read (for calls made of many map calls, {@code imap}'s, whose fds nothing holds).
     */
    static byte[] function(Function<?, ?> fn) {
        try {
            Serial.Bytes bytes = Serial.serialize(fn, "function");
            return Arrays.copyOf(bytes.bytes(), bytes.length());
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the function cannot be sent to a worker JVM: " + e.getMessage(), e);
        }
    }

    /** {@code fn} serialized for the workers, with the fds its handles carry (see {@link Carried}). */
    private static FdSlots.Collected<Serial.Bytes> collect(Function<?, ?> fn) {
        try {
            return FdSlots.collecting(() -> Serial.serialize(fn, "function"));
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the function cannot be sent to a worker JVM: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("serializing the function failed: " + e, e);
        }
    }

    /**
     * A call of {@code function} over {@code inputs}, encoded here; {@code firstIndex} is the
     * index of the first of them among all the caller gave, for the messages.
     */
    static MapCall prepare(PoolCore core, byte[] function, ClassLoader loader, List<?> inputs, long firstIndex,
            int chunkSize, boolean ordered) {
        return prepare(core, function, loader, inputs, firstIndex, chunkSize, ordered, null);
    }

    /** As above, the function carrying the fds {@code collected} names (null: none), held by the call. */
    private static MapCall prepare(PoolCore core, byte[] function, ClassLoader loader, List<?> inputs,
            long firstIndex, int chunkSize, boolean ordered, FdSlots.Collected<?> collected) {
        int n = inputs.size();
        WireBuffer args = new WireBuffer(n * 6 + 16);
        int[] offsets = new int[n + 1];
        int i = 0;
        for (Object input : inputs) {
            if (i == n) {
                throw new IllegalArgumentException("the inputs changed size while they were read: more than " + n);
            }
            offsets[i] = args.length();
            try {
                Values.encode(input, args, "input");
            } catch (Serial.NotSerializable e) {
                throw new IllegalArgumentException("element " + (firstIndex + i) + " of the inputs cannot be sent to"
                        + " a worker JVM: " + e.getMessage(), e);
            }
            i++;
        }
        if (i != n) {
            throw new IllegalArgumentException("the inputs changed size while they were read: " + i + " of " + n);
        }
        offsets[n] = args.length();
        return new MapCall(core.newFunctionId(), function, collected == null ? null : Carried.of(collected,
                "the function"), loader,
                Arrays.copyOf(args.array(), args.length()), offsets, chunkSize > 1 ? chunkSize : 0, ordered);
    }

    /** A task's failure as this caller's exception: itself when unchecked (an Error is thrown), else wrapped. */
    static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            return r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new MultiprocException("a task failed: " + failure, failure);
    }
}
