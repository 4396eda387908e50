package dev.multiproc;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Work to run in a child JVM: a {@link Callable} that is {@link Serializable}, so that a
 * lambda written where a {@code Task} is expected can be sent to the child.
 *
 * <pre>{@code
 * int n = 42;
 * JvmProcess<Integer> p = JvmProcess.start(() -> n * n);
 * int square = p.result();
 * }</pre>
 *
 * <p>The task is serialized in this JVM and deserialized in the child: what it captures is
 * what the child gets (a copy, not a shared object). Its result travels back the same way,
 * so it must be serializable too.
 *
 * @param <T> the type of the result
 */
@FunctionalInterface
public interface Task<T> extends Callable<T>, Serializable {
}
