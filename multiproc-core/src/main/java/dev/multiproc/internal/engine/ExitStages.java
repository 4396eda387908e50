package dev.multiproc.internal.engine;

import dev.multiproc.ExitStatus;
import java.util.concurrent.CompletableFuture;

/**
 * The future a handle's {@code onExit()} returns: completed with the status on a virtual thread
 * of its own, never on the event thread (a slow stage must not hold up every other reap), with
 * the context class loader of the thread that asked for it (the event thread has none).
 */
public final class ExitStages {
    private ExitStages() {}

    /** A future that completes with {@code exit}'s status, on a virtual thread; see the class comment. */
    public static CompletableFuture<ExitStatus> onExit(CompletableFuture<ExitStatus> exit) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return exit.thenApplyAsync(status -> status, task -> {
            Thread t = Thread.ofVirtual().name("multiproc-on-exit").unstarted(task);
            t.setContextClassLoader(loader);
            t.start();
        });
    }
}
