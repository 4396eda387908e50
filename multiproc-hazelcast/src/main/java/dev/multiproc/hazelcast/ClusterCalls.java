package dev.multiproc.hazelcast;

import dev.multiproc.internal.pool.UnstartedTask;
import dev.multiproc.internal.wire.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One task on the cluster: serialized once here, as a local pool serializes it, sent as a job of
 * one element, and its future completed with the value or exception its worker's answer holds.
 */
final class ClusterCalls {
    static final String RUNNABLE_ADVICE = "pass a SerializableRunnable (pool.execute(() -> ...) and"
            + " pool.submit(() -> ...) do), cast the lambda to (Runnable & Serializable), or make its class"
            + " implement Serializable";
    static final String CALLABLE_ADVICE = "write the lambda where a Task is expected (pool.submit(() -> ...)"
            + " does), cast it to (Callable<T> & Serializable), or make its class implement Serializable";

    private final Dispatcher dispatcher;
    private final String poolName;

    ClusterCalls(Dispatcher dispatcher, String poolName) {
        this.dispatcher = dispatcher;
        this.poolName = poolName;
    }

    /**
     * Queues {@code task}; its future has the task's value, or {@code result} for a runnable.
     *
     * @param original what the user gave, for {@code shutdownNow}'s list (an {@link UnstartedTask}
     *     for a callable)
     * @throws IllegalArgumentException if the task cannot be serialized
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> call(Callable<?> task, Object original, boolean runnable, T result) {
        byte[] payload = serialize(task, "task");
        ClusterFuture<T> future = new ClusterFuture<>();
        AnswerDecoder.Sink sink = new AnswerDecoder.Sink() {
            @Override
            public void value(int element, Object value) {
                future.complete(runnable ? result : (T) value);
            }

            @Override
            public void failure(int element, Throwable failure) {
                future.completeExceptionally(failure);
            }
        };
        Object user = original instanceof UnstartedTask u ? u.task() : original;
        ClusterJob job = new ClusterJob(dispatcher.newId(), JobBody.CALL, payload, new byte[0], 1,
                user.getClass().getClassLoader(), sink, original, true);
        future.bind(dispatcher, job);
        dispatcher.submit(job);
        return future;
    }

    /** Prints the failure of a task given to {@code execute}, which has no future to hold it. */
    void reportFailure(CompletableFuture<?> f) {
        f.whenComplete((v, e) -> {
            if (e != null && !(e instanceof CancellationException)) {
                System.err.print("Exception in a task of " + poolName + " given to execute(): ");
                e.printStackTrace();
            }
        });
    }

    /** @throws IllegalArgumentException if {@code task} is not {@link Serializable}, with {@code advice} */
    static void requireSerializable(Object task, String kind, String advice) {
        if (!(task instanceof Serializable)) {
            throw new IllegalArgumentException("the task (" + task.getClass().getName() + ") is a " + kind
                    + " that is not Serializable, so it cannot be sent to a worker JVM: " + advice);
        }
    }

    /** @throws IllegalArgumentException if {@code value} cannot be serialized, naming {@code what} */
    static byte[] serialize(Object value, String what) {
        try {
            Serial.Bytes bytes = Serial.serialize(value, what);
            return Arrays.copyOf(bytes.bytes(), bytes.length());
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the " + what + " cannot be sent to a worker JVM: " + e.getMessage(), e);
        }
    }
}
