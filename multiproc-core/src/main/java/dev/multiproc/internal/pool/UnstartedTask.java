package dev.multiproc.internal.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * A {@code Callable} given to a pool and never started, as {@code shutdownNow} returns it: a
 * {@code Runnable} that calls it (here, if run), and stays serializable so that it can be
 * given to another pool.
 *
 * @param task the task as it was given
 */
public record UnstartedTask(Callable<?> task) implements Runnable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public void run() {
        try {
            task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
