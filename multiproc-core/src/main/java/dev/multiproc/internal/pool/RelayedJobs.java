package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.child.RelayedCall;
import dev.multiproc.internal.child.RelayedChunk;
import dev.multiproc.internal.jvm.JvmConfig;
import dev.multiproc.internal.wire.Serial;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A local pool that runs jobs another JVM serialized, without reading them: what a cluster
 * member does with the tasks a client sends it.
 *
 * <h2>Nothing of the user's is read here</h2>
 * A job arrives as the bytes its submitter made: a serialized task, or a serialized function and
 * encoded inputs. It goes to a worker wrapped in a {@link RelayedCall} or {@link RelayedChunk}
 * (the library's own classes, with the bytes as fields); the worker reads the task under the
 * pool's filter, runs it, and returns the answer frame it would have written for a job of its
 * own (its type and payload) as a {@code byte[]}, which travels back as a plain byte array: this
 * JVM reads no object of the task's classes, and passes the worker's answer on untouched. The
 * submitter decodes it as its own pool decodes an answer, so a value, an exception's class,
 * message, causes and stack come out as they do from a local pool.
 *
 * <h2>Everything else is the pool's</h2>
 * The job is an ordinary task of the pool: a worker that dies fails it with a
 * {@link dev.multiproc.WorkerDiedException}, the pool's task timeout fails it with a
 * {@link dev.multiproc.TaskTimeoutException}, {@code cancel(true)} kills its worker.
 */
public final class RelayedJobs {
    private RelayedJobs() {}

    /**
     * Starts a pool of {@code workers} worker JVMs whose class path is {@code classPath} (after
     * the library's own), with {@code jvmOptions}, and a task timeout ({@code null} for none).
     *
     * @throws MultiprocException if the pool cannot be started; nothing is left running then
     */
    public static PoolCore start(String name, int workers, List<String> jvmOptions, List<String> classPath,
                                 Duration taskTimeout) {
        JvmConfig worker = JvmConfig.forWorkers().withName(name).withJvmOptions(jvmOptions.toArray(String[]::new))
                .withClassPath(classPath);
        return PoolCore.start(new PoolConfig(worker, workers, new byte[0], 0, taskTimeout, Integer.MAX_VALUE));
    }

    /**
     * Runs a task that another JVM serialized.
     *
     * @return the worker's answer: the type of its frame, then the frame's payload
     */
    public static CompletableFuture<byte[]> call(PoolCore pool, byte[] task) {
        return submit(pool, new RelayedCall(task, pool.config().limits().pattern()));
    }

    /**
     * Runs a chunk of a map that another JVM encoded: {@code count} inputs, one after another.
     *
     * @return the worker's answer: the type of its frame, then the frame's payload
     */
    public static CompletableFuture<byte[]> chunk(PoolCore pool, byte[] function, byte[] inputs, int count) {
        return submit(pool, new RelayedChunk(function, inputs, count, pool.config().limits().pattern()));
    }

    private static CompletableFuture<byte[]> submit(PoolCore pool, Object job) {
        byte[] payload;
        try {
            Serial.Bytes bytes = Serial.serialize(job, "relayed job");
            payload = Arrays.copyOf(bytes.bytes(), bytes.length());
        } catch (Serial.NotSerializable e) {
            throw new IllegalStateException("a relayed job holds only byte arrays and text", e);
        }
        return pool.submit(new TaskBytes.Payload(payload, null), job, RelayedJobs.class.getClassLoader(), false, null);
    }
}
