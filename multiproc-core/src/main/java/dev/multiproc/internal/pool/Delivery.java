package dev.multiproc.internal.pool;

import dev.multiproc.ChildFailedException;
import dev.multiproc.MultiprocException;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.RemoteThrowable;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireReader;
import java.io.EOFException;
import java.util.concurrent.CancellationException;

/**
 * Turns a worker's answer into the outcome of a job, and hands outcomes to whoever waits:
 * a future, a map call, or (for {@code execute}) this JVM's stderr. Runs outside the pool's
 * lock; completing a future runs the stages that depend on it.
 */
final class Delivery implements Outcomes {
    private final SerialLimits limits;
    private final String poolName;

    Delivery(SerialLimits limits, String poolName) {
        this.limits = limits;
        this.poolName = poolName;
    }

    /**
     * Delivers {@code answer}, which {@code worker} sent for {@code unit}: its value or its
     * failure, or, if it cannot be read here whatever the reason (an {@link Error} thrown by a
     * class's {@code readObject} included), a {@link MultiprocException} carrying why. The
     * outcome is decided first and delivered once: a job is never left undecided, nor decided twice.
     */
    @Override
    public void answer(Unit unit, Worker worker, Protocol.Frame answer) {
        if (answer.type() == Protocol.CHUNK_RESULT && unit instanceof MapUnit m) {
            chunk(m, worker, new WireReader(answer.payload()));
            return;
        }
        Object value = null;
        Throwable failure;
        try {
            failure = switch (answer.type()) {
                case Protocol.RESULT -> {
                    value = value(new WireReader(answer.payload()), unit, worker);
                    yield null;
                }
                case Protocol.FAILURE -> failure(RemoteFailure.decode(answer.payload()), worker, loader(unit));
                default -> new MultiprocException("unexpected answer '" + (char) answer.type() + "'"
                        + " from " + worker);
            };
        } catch (MultiprocException e) {
            failure = e;
        } catch (Throwable t) {
            failure = unreadable(worker, t);
        }
        if (failure != null) {
            fail(unit, failure);
        } else {
            succeed(unit, value);
        }
    }

    /**
     * A chunk's answers, element by element: an element that cannot be read fails alone; a chunk
     * whose structure is broken fails its elements from there on. Each element is settled once.
     */
    private void chunk(MapUnit unit, Worker worker, WireReader in) {
        Throwable broken = null;
        try {
            int count = in.getInt();
            if (count != unit.count) {
                broken = new MultiprocException(worker + " answered " + count + " elements for a chunk of " + unit.count);
            }
        } catch (Throwable t) {
            broken = unreadable(worker, t);
        }
        for (int i = 0; i < unit.count; i++) {
            Object value = null;
            Throwable failure = broken;
            if (failure == null) {
                try {
                    if (in.peek() == Values.FAILURE) {
                        in.get();
                        byte[] bytes = in.getBytes(in.getLength());
                        failure = failure(RemoteFailure.decode(bytes), worker, unit.call.loader);
                    } else {
                        value = Values.decode(in, limits, unit.call.loader);
                    }
                } catch (EOFException | Values.MalformedException e) {
                    broken = unreadable(worker, e); // where the next element starts is unknown
                    failure = broken;
                } catch (Throwable t) {
                    failure = notDeserialized(worker, t); // this element only: the next starts where it ended
                }
            }
            if (failure != null) {
                unit.call.fail(unit.from + i, failure);
            } else {
                unit.call.set(unit.from + i, value);
            }
        }
    }

    private static MultiprocException unreadable(Worker worker, Throwable t) {
        return new MultiprocException("the answer of " + worker + " cannot be read in this JVM: " + t, t);
    }

    /** One value; a {@link MultiprocException} (with the reason as its cause) if it cannot be read here. */
    private Object value(WireReader in, Unit unit, Worker worker) {
        try {
            return Values.decode(in, limits, loader(unit));
        } catch (Throwable t) {
            throw notDeserialized(worker, t);
        }
    }

    private static MultiprocException notDeserialized(Worker worker, Throwable t) {
        return new MultiprocException("the result of a task in " + worker + " cannot be deserialized in this JVM: " + t, t);
    }

    private static ClassLoader loader(Unit unit) {
        return switch (unit) {
            case TaskUnit t -> t.loader;
            case MapUnit m -> m.call.loader;
        };
    }

    /**
     * What a task's failure looks like here: the task's own exception when it was rebuilt here,
     * as any executor would give it; otherwise a {@link ChildFailedException} that says what
     * happened, with the child's stand-in as its cause.
     */
    private Throwable failure(RemoteFailure f, Worker worker, ClassLoader loader) {
        Throwable cause = f.toThrowable(limits, loader);
        String remote = f.message() == null ? f.className() : f.className() + ": " + f.message();
        return switch (f.kind()) {
            case TASK_THREW -> cause instanceof RemoteThrowable
                    ? new ChildFailedException("the task failed in " + worker + ": " + remote, f.className(), null, "",
                            cause)
                    : cause;
            case TASK_NOT_LOADED -> new ChildFailedException(worker
                    + " cannot load the task (is its class on the worker's class path?): " + remote,
                    f.className(), null, "", cause);
            case RESULT_NOT_SERIALIZABLE -> new ChildFailedException("the result of the task in " + worker
                    + " cannot be sent back: " + remote, f.className(), null, "", cause);
        };
    }

    /** The job returned {@code value}. */
    void succeed(Unit unit, Object value) {
        switch (unit) {
            case TaskUnit t -> {
                if (t.future != null) {
                    complete(t.future, t.runnable ? t.fixedResult : value);
                }
            }
            case MapUnit m -> m.call.set(m.from, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(PoolFuture<?> future, Object value) {
        ((PoolFuture<Object>) future).complete(value);
    }

    /** The job failed with {@code failure}. */
    @Override
    public void fail(Unit unit, Throwable failure) {
        switch (unit) {
            case TaskUnit t -> {
                if (t.future != null) {
                    t.future.completeExceptionally(failure);
                } else {
                    report(failure);
                }
            }
            case MapUnit m -> {
                for (int i = 0; i < m.count; i++) {
                    m.call.fail(m.from + i, failure);
                }
            }
        }
    }

    /** The job was cancelled. */
    @Override
    public void cancel(Unit unit) {
        switch (unit) {
            case TaskUnit t -> {
                if (t.future != null) {
                    t.future.cancelled();
                }
            }
            case MapUnit m -> fail(m, new CancellationException("cancelled: " + poolName + " was shut down"));
        }
    }

    /** A task given to {@code execute} failed: nobody holds a future for it, so say it as a thread would. */
    private void report(Throwable failure) {
        System.err.print("Exception in a task of " + poolName + " given to execute(): ");
        failure.printStackTrace();
    }
}
