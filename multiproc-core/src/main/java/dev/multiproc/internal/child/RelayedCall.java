package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A task relayed for another JVM, which serialized it: a cluster member hands it to a worker of
 * its own pool without reading it. The worker reads the task under {@link #filter} (the same
 * limits as a task of its own), runs it, and returns the answer it would have written for it as
 * a job of its own, as bytes ({@link RelayedAnswer}); the member passes them on unread. So no
 * object of the task's classes is ever read outside a worker JVM.
 *
 * <p>An {@link OutOfMemoryError} of the task is thrown on: the worker halts, as for a task of
 * its own.
 */
public final class RelayedCall implements Callable<byte[]>, Serializable {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** Where the job's classes are looked up, as a worker looks up its own jobs' (the library's loader). */
    private static final ClassLoader LOADER = RelayedCall.class.getClassLoader();

    private final byte[] task;
    private final String filter;

    /**
     * A relayed task.
     *
     * @param task the serialized {@code Callable}, as the submitting JVM made it
     * @param filter the deserialization limits the worker reads it with ({@link SerialLimits#pattern()})
     */
    public RelayedCall(byte[] task, String filter) {
        this.task = task;
        this.filter = filter;
    }

    /** Runs the task in this worker; returns its answer's type and payload. */
    @Override
    public byte[] call() {
        Callable<?> callable;
        try {
            callable = (Callable<?>) Serial.deserialize(task, 0, task.length, SerialLimits.parse(filter), LOADER);
        } catch (Exception | LinkageError e) {
            return RelayedAnswer.failure(RemoteFailure.Kind.TASK_NOT_LOADED, e);
        }
        Object value;
        try {
            value = callable.call();
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            return RelayedAnswer.failure(RemoteFailure.Kind.TASK_THREW, t);
        }
        return RelayedAnswer.result(value);
    }
}
