package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;

/**
 * A task given to {@code submit} or {@code execute}: its serialized {@code Callable}, and
 * where its outcome goes.
 */
final class TaskUnit extends Unit {
    /** The serialized {@code Callable}. */
    final byte[] payload;
    /** The future to complete, or null for {@code execute}. */
    final PoolFuture<?> future;
    /** The task as the user gave it, for {@code shutdownNow}'s list. */
    final Object original;
    /** Resolves the classes of its result and exception here. */
    final ClassLoader loader;
    /** True if the user gave a {@code Runnable}: the value is {@link #fixedResult}, not the answer. */
    final boolean runnable;
    /** The result {@code submit(Runnable, T)} was given. */
    final Object fixedResult;
    /** The fds the task carries, or null. */
    private final Carried fds;

    TaskUnit(byte[] payload, PoolFuture<?> future, Object original, ClassLoader loader, boolean runnable,
             Object fixedResult) {
        this(payload, null, future, original, loader, runnable, fixedResult);
    }

    TaskUnit(byte[] payload, Carried fds, PoolFuture<?> future, Object original, ClassLoader loader,
             boolean runnable, Object fixedResult) {
        this.payload = payload;
        this.fds = fds;
        this.future = future;
        this.original = original;
        this.loader = loader;
        this.runnable = runnable;
        this.fixedResult = fixedResult;
    }

    @Override
    void encode(WireBuffer out, Worker worker) {
        if (fds != null) {
            int at = out.beginFrame(Protocol.CARRY, seq); // its fds were sent: see Worker.give
            out.putInt(fds.count());
            out.endFrame(at);
        }
        out.frame(Protocol.CALL, seq, payload);
    }

    @Override
    Carried carried() {
        return fds;
    }

    @Override
    Carried carriedFor(Worker worker) {
        return fds;
    }

    @Override
    int elements() {
        return 1;
    }

    @Override
    boolean answeredBy(byte type) {
        return type == Protocol.RESULT || type == Protocol.FAILURE;
    }
}
