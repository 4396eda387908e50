package dev.multiproc;

import java.io.Serializable;

/**
 * A {@link Runnable} that is {@link Serializable}, so that a lambda written where one is
 * expected can run in a worker JVM: {@link ProcessPool#execute(SerializableRunnable)} and
 * {@link ProcessPool#submit(SerializableRunnable)} take one, so
 * {@code pool.execute(() -> cleanUp())} compiles to a serializable lambda.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
