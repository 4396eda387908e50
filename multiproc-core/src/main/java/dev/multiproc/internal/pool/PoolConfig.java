package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.SerialLimits;
import java.time.Duration;
import java.util.List;

/**
 * A pool's settings, checked and frozen by its builder.
 *
 * @param name the pool's name; workers are named after it
 * @param workers how many worker JVMs it keeps
 * @param jvmOptions options for each worker's {@code java} command
 * @param initializer a serialized {@code Callable} each worker runs before its first task, or empty
 * @param maxTasksPerWorker jobs after which a worker is replaced, or 0 for never
 * @param taskTimeout how long a job may run, or null for no limit
 * @param queueCapacity how many submitted tasks may wait for a worker
 * @param limits the deserialization filter on both sides
 */
public record PoolConfig(String name, int workers, List<String> jvmOptions, byte[] initializer,
                         int maxTasksPerWorker, Duration taskTimeout, int queueCapacity, SerialLimits limits) {
}
