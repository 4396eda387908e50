package dev.multiproc.internal.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The readiness of a process's exit (or of any future): ready once the future is complete.
 *
 * <p>One instance per future, made on first use and kept as long as the future is reachable, so
 * that a loop that waits on a long-lived process again and again adds one callback to its future
 * in all, not one per wait (a callback on a {@link CompletableFuture} cannot be removed). The
 * instance does not refer to its future, so the cache does not keep the future alive.
 */
public final class ExitReadiness implements Readiness {
    private static final Map<CompletableFuture<?>, ExitReadiness> BY_FUTURE = new WeakHashMap<>();

    private final List<Runnable> watchers = new ArrayList<>();
    private boolean done;

    private ExitReadiness() {}

    /** The readiness of {@code future}. */
    public static Readiness of(CompletableFuture<?> future) {
        ExitReadiness readiness;
        boolean fresh = false;
        synchronized (BY_FUTURE) {
            readiness = BY_FUTURE.get(future);
            if (readiness == null) {
                readiness = new ExitReadiness();
                BY_FUTURE.put(future, readiness);
                fresh = true;
            }
        }
        if (fresh) {
            ExitReadiness r = readiness;
            future.whenComplete((value, failure) -> r.complete());
        }
        return readiness;
    }

    private void complete() {
        List<Runnable> toWake;
        synchronized (this) {
            done = true;
            toWake = List.copyOf(watchers);
            watchers.clear();
        }
        toWake.forEach(Runnable::run);
    }

    @Override
    public synchronized boolean isReady() {
        return done;
    }

    @Override
    public Watch watch(Runnable wake) {
        synchronized (this) {
            if (!done) {
                watchers.add(wake);
                return () -> {
                    synchronized (this) {
                        watchers.remove(wake);
                    }
                };
            }
        }
        wake.run();
        return () -> { };
    }
}
