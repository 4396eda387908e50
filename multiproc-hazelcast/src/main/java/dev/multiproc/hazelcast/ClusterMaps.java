package dev.multiproc.hazelcast;

import dev.multiproc.MultiprocException;
import dev.multiproc.SerializableFunction;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@code map} and {@code mapUnordered} on the cluster: the function is serialized once, the
 * inputs are encoded once with the pool's compact encoding and cut into jobs of
 * {@code chunkSize}, and the chunks' answers are gathered in input order, or as they come.
 * A map's chunks do not count against the pool's {@code queueCapacity}.
 */
final class ClusterMaps {
    private final Dispatcher dispatcher;
    private final String poolName;

    ClusterMaps(Dispatcher dispatcher, String poolName) {
        this.dispatcher = dispatcher;
        this.poolName = poolName;
    }

    /** The results in input order; the failure of the lowest failed element is thrown. */
    @SuppressWarnings("unchecked")
    <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) throws InterruptedException {
        check(fn, inputs, chunkSize);
        if (inputs.isEmpty()) {
            return List.of();
        }
        MapResults results = new MapResults(inputs.size(), true);
        List<ClusterJob> chunks = chunks(fn, inputs, chunkSize, results);
        dispatcher.submitAll(chunks);
        try {
            results.await();
        } catch (InterruptedException e) {
            chunks.forEach(c -> dispatcher.cancel(c, false));
            throw e;
        }
        Throwable failure = results.firstFailure();
        if (failure != null) {
            throw unchecked(failure);
        }
        return (List<R>) results.results();
    }

    /** The results as they come; a failed element throws where it comes; closing cancels the rest. */
    @SuppressWarnings("unchecked")
    <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) {
        check(fn, inputs, chunkSize);
        if (inputs.isEmpty()) {
            return Stream.empty();
        }
        MapResults results = new MapResults(inputs.size(), false);
        List<ClusterJob> chunks = chunks(fn, inputs, chunkSize, results);
        dispatcher.submitAll(chunks);
        Iterator<R> it = new Iterator<>() {
            private int left = results.size();

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public R next() {
                if (left == 0) {
                    throw new NoSuchElementException();
                }
                Object next;
                try {
                    next = results.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    chunks.forEach(c -> dispatcher.cancel(c, false));
                    throw new CancellationException("interrupted while waiting for the results of mapUnordered");
                }
                left--;
                if (next instanceof MapResults.Failed f) {
                    throw unchecked(f.failure());
                }
                return (R) next;
            }
        };
        return StreamSupport.stream(Spliterators.spliterator(it, results.size(), 0), false)
                .onClose(() -> chunks.forEach(c -> dispatcher.cancel(c, false)));
    }

    /** The function serialized once, the inputs encoded once, cut into jobs of {@code chunkSize}. */
    private List<ClusterJob> chunks(SerializableFunction<?, ?> fn, List<?> inputs, int chunkSize, MapResults results) {
        byte[] function = ClusterCalls.serialize(fn, "function");
        int n = inputs.size();
        WireBuffer args = new WireBuffer(n * 6 + 16);
        int[] offsets = new int[n + 1];
        int i = 0;
        for (Object input : inputs) {
            offsets[i] = args.length();
            try {
                Values.encode(input, args, "input");
            } catch (Serial.NotSerializable e) {
                throw new IllegalArgumentException("element " + i + " of the inputs cannot be sent to a worker JVM: "
                        + e.getMessage(), e);
            }
            i++;
        }
        offsets[n] = args.length();
        ClassLoader loader = fn.getClass().getClassLoader();
        List<ClusterJob> jobs = new ArrayList<>();
        for (int from = 0; from < n; from += chunkSize) {
            int count = Math.min(chunkSize, n - from);
            byte[] slice = Arrays.copyOfRange(args.array(), offsets[from], offsets[from + count]);
            jobs.add(new ClusterJob(dispatcher.newId(), JobBody.CHUNK, function, slice, count, loader,
                    results.chunk(from), null, false));
        }
        return jobs;
    }

    private void check(SerializableFunction<?, ?> fn, List<?> inputs, int chunkSize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(inputs, "inputs");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1: " + chunkSize);
        }
        if (dispatcher.isShutdown()) {
            throw new RejectedExecutionException(poolName + " is shut down: it takes no new tasks");
        }
    }

    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            return r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new MultiprocException("a task failed: " + failure, failure);
    }
}
