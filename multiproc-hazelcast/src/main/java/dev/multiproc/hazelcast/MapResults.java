package dev.multiproc.hazelcast;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The results of one {@code map} or {@code mapUnordered} on a cluster, set element by element as
 * the chunks' answers come: in input order (with the failures beside them), or in the order they
 * come. Each element is set once.
 */
final class MapResults {
    /** A failed element in the completion queue of an unordered call. */
    record Failed(Throwable failure) {}

    private static final Object NULL = new Object();

    private final int size;
    private final Object[] results;
    private final BlockingQueue<Object> completions;
    private Throwable[] failures;
    private int remaining;

    MapResults(int size, boolean ordered) {
        this.size = size;
        this.remaining = size;
        this.results = ordered ? new Object[size] : null;
        this.completions = ordered ? null : new LinkedBlockingQueue<>();
    }

    int size() {
        return size;
    }

    /** The sink of the chunk that starts at element {@code from}. */
    AnswerDecoder.Sink chunk(int from) {
        return new AnswerDecoder.Sink() {
            @Override
            public void value(int element, Object value) {
                set(from + element, value);
            }

            @Override
            public void failure(int element, Throwable failure) {
                fail(from + element, failure);
            }
        };
    }

    synchronized void set(int index, Object value) {
        if (results != null) {
            results[index] = value;
        } else {
            completions.add(value == null ? NULL : value);
        }
        settledOne();
    }

    synchronized void fail(int index, Throwable failure) {
        if (results != null) {
            if (failures == null) {
                failures = new Throwable[size];
            }
            failures[index] = failure;
        } else {
            completions.add(new Failed(failure));
        }
        settledOne();
    }

    private void settledOne() {
        if (--remaining == 0) {
            notifyAll();
        }
    }

    synchronized void await() throws InterruptedException {
        while (remaining > 0) {
            wait();
        }
    }

    /** The failure of the lowest index, or null; after {@link #await}. */
    synchronized Throwable firstFailure() {
        if (failures != null) {
            for (Throwable t : failures) {
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    synchronized List<Object> results() {
        return Collections.unmodifiableList(Arrays.asList(results));
    }

    /** The next result in completion order (a {@link Failed} for a failed element), waiting for it. */
    Object next() throws InterruptedException {
        Object o = completions.take();
        return o == NULL ? null : o;
    }
}
