package dev.multiproc;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that is {@link Serializable}, so that a lambda written where one is
 * expected can be sent to a worker JVM: the function of {@link ProcessPool#map}.
 *
 * <pre>{@code
 * List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }</pre>
 *
 * <p>The function is serialized once per call of {@code map}, with what it captures; its
 * arguments and results travel one by one, so they must be serializable too.
 *
 * @param <A> the type of the argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface SerializableFunction<A, R> extends Function<A, R>, Serializable {
}
