package dev.multiproc.internal.pool;

import dev.multiproc.internal.jvm.JvmConfig;
import dev.multiproc.internal.wire.SerialLimits;
import java.time.Duration;

/**
 * A pool's settings, checked and frozen by its builder.
 *
 * @param worker how each worker JVM is started: its name's prefix (the pool's name), options,
 *     properties, directory, environment, redirects and the deserialization filter
 * @param workers how many worker JVMs it keeps
 * @param initializer a serialized {@code Callable} each worker runs before its first task, or empty
 * @param maxTasksPerWorker jobs after which a worker is replaced, or 0 for never
 * @param taskTimeout how long a job may run, or null for no limit
 * @param queueCapacity how many submitted tasks may wait for a worker
 */
public record PoolConfig(JvmConfig worker, int workers, byte[] initializer, int maxTasksPerWorker,
                         Duration taskTimeout, int queueCapacity) {

    /** The pool's name; workers are named after it. */
    public String name() {
        return worker.name();
    }

    /** The deserialization filter on both sides. */
    public SerialLimits limits() {
        return worker.limits();
    }
}
