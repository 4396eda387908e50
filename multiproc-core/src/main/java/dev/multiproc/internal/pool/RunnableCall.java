package dev.multiproc.internal.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A serializable {@code Runnable} as the {@code Callable} a worker runs: its value is null.
 *
 * @param runnable the task
 */
public record RunnableCall(Runnable runnable) implements Callable<Object>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public Object call() {
        runnable.run();
        return null;
    }
}
