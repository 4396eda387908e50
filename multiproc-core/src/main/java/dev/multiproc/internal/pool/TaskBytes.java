package dev.multiproc.internal.pool;

import dev.multiproc.internal.jvm.FirstStart;
import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A task as it leaves for a worker: refused, with advice, when it is not {@link Serializable}
 * (an {@code ExecutorService} takes any {@code Runnable} or {@code Callable}), and serialized.
 */
public final class TaskBytes {
    /** How to make a {@code Runnable} one that can be sent. */
    public static final String RUNNABLE_ADVICE = "pass a SerializableRunnable (pool.execute(() -> ...) and"
            + " pool.submit(() -> ...) do), cast the lambda to (Runnable & Serializable), or make its class"
            + " implement Serializable";
    /** How to make a {@code Callable} one that can be sent. */
    public static final String CALLABLE_ADVICE = "write the lambda where a Task is expected (pool.submit(() -> ...)"
            + " does), cast it to (Callable<T> & Serializable), or make its class implement Serializable";
    /** How to make the tasks of {@code invokeAll} and {@code invokeAny} ones that can be sent. */
    public static final String TASKS_ADVICE = "make every task a Task, cast it to (Callable<T> & Serializable),"
            + " or make its class implement Serializable";

    private TaskBytes() {}

    /**
     * Refuses a task that is not {@link Serializable}.
     *
     * @param kind what the caller takes it as ({@code Runnable}, {@code Callable})
     * @throws IllegalArgumentException if {@code task} is not serializable, naming its class and {@code advice}
     */
    public static void requireSerializable(Object task, String kind, String advice) {
        if (!(task instanceof Serializable)) {
            throw new IllegalArgumentException("the task (" + task.getClass().getName() + ") is a " + kind
                    + " that is not Serializable, so it cannot be sent to a worker JVM: " + advice);
        }
    }

    /**
     * The bytes of {@code task}, as a worker reads them.
     *
     * @throws IllegalArgumentException if the task cannot be serialized; the message names what
     *     is not serializable and the way to it
     */
    public static byte[] serialize(Object task) {
        FirstStart.prepare(); // before serialization initializes java.security.Security
        try {
            Serial.Bytes bytes = Serial.serialize(task, "task");
            return Arrays.copyOf(bytes.bytes(), bytes.length());
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the task cannot be sent to a worker JVM: " + e.getMessage(), e);
        }
    }

    /**
     * A task as it is queued: its bytes, and the fds its handles carry (null for none), held
     * until it is decided (see {@link Carried}).
     */
    public record Payload(byte[] bytes, Carried carried) {}

    /**
     * The bytes of {@code task}, as a worker reads them, and the fds that the handles it
     * captures carry (see {@link FdSlots}): they are sent to the worker that runs it.
     *
     * @throws IllegalArgumentException if the task cannot be serialized; the message names what
     *     is not serializable and the way to it
     * @throws dev.multiproc.MultiprocException if this JVM is out of fds to hold them
     */
    public static Payload carrying(Object task) {
        FirstStart.prepare(); // before serialization initializes java.security.Security
        FdSlots.Collected<Serial.Bytes> collected;
        try {
            collected = FdSlots.collecting(() -> Serial.serialize(task, "task"));
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the task cannot be sent to a worker JVM: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("serializing the task failed: " + e, e);
        }
        Serial.Bytes bytes = collected.value();
        return new Payload(Arrays.copyOf(bytes.bytes(), bytes.length()), Carried.of(collected, "the task"));
    }

    /** The class loader that resolves the classes of {@code task}'s result here. */
    public static ClassLoader loader(Object task) {
        return task.getClass().getClassLoader();
    }
}
