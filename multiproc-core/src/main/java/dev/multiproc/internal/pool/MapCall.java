package dev.multiproc.internal.pool;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One call of {@code map} or {@code mapUnordered}: the function (sent once to each worker that
 * runs part of it), the arguments already encoded, and the results as they come.
 *
 * <p>The arguments are encoded when the call is made, one after another into one array
 * ({@link #args}, element {@code i} at {@code [offsets[i], offsets[i+1])}): a value that
 * cannot be serialized is reported to the caller at once, and a job frame is a copy of a
 * slice of it. The fields {@link #next} and {@link #cancelled} belong to the pool's lock; the
 * results are set by whichever thread delivers answers, under this object's monitor.
 */
final class MapCall {
    /** A failed element in the completion queue of an unordered call. */
    record Failed(Throwable failure) {}

    final int fnId;
    final byte[] function;
    final ClassLoader loader;
    final byte[] args;
    final int[] offsets;
    final int size;
    final boolean chunked;
    final int chunkSize;
    /** The fds the function carries (sent with it to each worker), or null; released when the call is done. */
    final Carried fds;
    /** The first element not yet handed to a worker; under the pool's lock. */
    int next;
    /** True once cancelled; under the pool's lock. */
    boolean cancelled;

    private final Object[] results;
    private final BlockingQueue<Object> completions;
    private Throwable[] failures;
    private int remaining;
    private Runnable onDone;
    /** Which elements are settled, for a call read one by one ({@link #readOneByOne}); or null. */
    private boolean[] settled;
    /** True while a thread waits in {@link #awaitAt}. */
    private boolean readerWaits;

    MapCall(int fnId, byte[] function, ClassLoader loader, byte[] args, int[] offsets, int chunkSize,
            boolean ordered) {
        this(fnId, function, null, loader, args, offsets, chunkSize, ordered);
    }

    MapCall(int fnId, byte[] function, Carried fds, ClassLoader loader, byte[] args, int[] offsets, int chunkSize,
            boolean ordered) {
        this.fnId = fnId;
        this.fds = fds;
        this.function = function;
        this.loader = loader;
        this.args = args;
        this.offsets = offsets;
        this.size = offsets.length - 1;
        this.chunked = chunkSize > 0;
        this.chunkSize = Math.max(chunkSize, 1);
        this.remaining = size;
        this.results = ordered ? new Object[size] : null;
        this.completions = ordered ? null : new LinkedBlockingQueue<>();
    }

    /**
     * Runs {@code action} (which must not block) once every element is settled, after the
     * actions given before it.
     */
    synchronized void onDone(Runnable action) {
        Runnable before = onDone;
        this.onDone = before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    /**
     * Keeps track of which elements are settled, so that {@link #awaitAt} can hand out each
     * result as soon as it and those before it are; before the call is submitted.
     */
    synchronized void readOneByOne() {
        settled = new boolean[size];
    }

    /** The next unit to hand out, or null if every element was; under the pool's lock. */
    MapUnit take() {
        if (next >= size || cancelled) {
            return null;
        }
        int count = Math.min(chunkSize, size - next);
        MapUnit unit = new MapUnit(this, next, count);
        next += count;
        return unit;
    }

    /** True while elements wait to be handed out; under the pool's lock. */
    boolean hasMore() {
        return next < size && !cancelled;
    }

    void set(int index, Object value) {
        Runnable done;
        synchronized (this) {
            if (results != null) {
                results[index] = value;
            } else {
                completions.add(value == null ? NULL : value);
            }
            done = settledOne(index);
        }
        if (done != null) {
            done.run();
        }
    }

    void fail(int index, Throwable failure) {
        Runnable done;
        synchronized (this) {
            if (results != null) {
                if (failures == null) {
                    failures = new Throwable[size];
                }
                failures[index] = failure;
            } else {
                completions.add(new Failed(failure));
            }
            done = settledOne(index);
        }
        if (done != null) {
            done.run();
        }
    }

    private Runnable settledOne(int index) {
        if (settled != null) {
            settled[index] = true;
            if (readerWaits) {
                notifyAll();
            }
        }
        if (--remaining == 0) {
            notifyAll();
            return onDone;
        }
        return null;
    }

    /** Waits until every element is settled. */
    synchronized void await() throws InterruptedException {
        while (remaining > 0) {
            wait();
        }
    }

    /**
     * The result of element {@code index} (a {@link Failed} if it failed), waiting until it is
     * settled; for an ordered call read one by one.
     */
    synchronized Object awaitAt(int index) throws InterruptedException {
        while (!settled[index]) {
            readerWaits = true;
            try {
                wait();
            } finally {
                readerWaits = false;
            }
        }
        if (failures != null && failures[index] != null) {
            return new Failed(failures[index]);
        }
        return results[index];
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

    /** The results in input order; after {@link #await}. */
    synchronized List<Object> results() {
        return Collections.unmodifiableList(Arrays.asList(results));
    }

    /**
     * The next result in completion order (a {@link Failed} for a failed element), waiting for
     * it; for an unordered call.
     */
    Object nextCompleted() throws InterruptedException {
        Object o = completions.poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        return o == NULL ? null : o;
    }

    private static final Object NULL = new Object();
}
