package dev.multiproc.internal.jvm;

import dev.multiproc.Signal;
import dev.multiproc.internal.engine.ExitPolicy;

/**
 * At most one idle child JVM, started ahead of need with the launch spec of the last start
 * that asked for a spare. It has already paid the JVM's start-up and warmed the bootstrap's
 * serialization (see {@code child.Warmup}); it waits on its control pipe for a task. The next start
 * whose {@link LaunchSpec} is equal takes it, and a new one is started in the background.
 *
 * <p>Only the spec is compared: the name, the daemon flag, {@code survivesParent} and the
 * filter travel with the task. A spare whose parent dies goes away through its lifeline, like
 * any child; at this JVM's exit it is killed at once.
 */
public final class WarmSpare {
    static {
        ExitPolicy.runFirst(WarmSpare::discard); // at exit: it holds no work
    }

    private static ChildJvm spare;
    private static boolean starting;
    /** Bumped by {@link #discard}: a spare started before it is not kept. */
    private static long generation;

    private WarmSpare() {}

    /** The spare, if there is a live one for {@code spec}; it is no longer the spare then. */
    static synchronized ChildJvm take(LaunchSpec spec) {
        if (spare != null && spare.spec().equals(spec) && spare.child().isAlive()) {
            ChildJvm taken = spare;
            spare = null;
            return taken;
        }
        return null;
    }

    /**
     * Starts a spare for {@code spec} once {@code taken} (the spare just used, or a cold child)
     * has ended or {@link #REPLENISH_DELAY_NANOS} has passed, whichever comes first: a JVM
     * starting beside a short task would slow it down, on a small machine by half.
     */
    static void replenishAfter(ChildJvm taken, LaunchSpec spec) {
        long asked;
        synchronized (WarmSpare.class) {
            asked = generation;
        }
        Runnable once = new Runnable() {
            private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void run() {
                if (done.compareAndSet(false, true)) {
                    replenish(spec, asked);
                }
            }
        };
        taken.child().exit().whenComplete((status, e) -> once.run());
        dev.multiproc.internal.engine.Engine.get().loop().schedule(REPLENISH_DELAY_NANOS, once);
    }

    /** How long a spare's replacement waits for the task that took it to end. */
    static final long REPLENISH_DELAY_NANOS = 100_000_000L;

    /**
     * Starts a spare for {@code spec} in the background, unless one is there or on its way, or
     * the spare was discarded since {@code asked} (a {@link #generation}).
     */
    static void replenish(LaunchSpec spec, long asked) {
        synchronized (WarmSpare.class) {
            if (starting || asked != generation
                    || (spare != null && spare.spec().equals(spec) && spare.child().isAlive())) {
                return;
            }
            starting = true;
        }
        long startedIn = asked;
        Thread.ofVirtual().name("multiproc-spare").start(() -> {
            ChildJvm fresh = null;
            try {
                fresh = ChildJvm.spawnSpare(spec);
            } catch (RuntimeException e) {
                // no spare this time; the next start is cold
            }
            ChildJvm old;
            synchronized (WarmSpare.class) {
                starting = false;
                if (startedIn == generation) {
                    old = spare;
                    spare = fresh;
                } else {
                    old = fresh; // discarded while it started
                }
            }
            if (old != null) {
                old.child().signal(Signal.SIGKILL);
            }
        });
    }

    /** Kills the spare, if any, and any spare already on its way or asked for. */
    public static void discard() {
        ChildJvm old;
        synchronized (WarmSpare.class) {
            old = spare;
            spare = null;
            generation++;
        }
        if (old != null) {
            old.child().signal(Signal.SIGKILL);
        }
    }
}
