package dev.multiproc.internal.jvm;

import dev.multiproc.Signal;
import dev.multiproc.internal.signals.JvmSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The child JVMs this JVM runs, and what becomes of them when this JVM exits: Python's daemon
 * semantics.
 *
 * <h2>The matrix</h2>
 * <pre>
 *                  main returns        System.exit        SIGTERM/INT/HUP          SIGKILL, halt, crash
 * daemon=false     JVM waits for it    hook waits for it  awaited up to a grace,   lifeline: it halts
 *                                                         then terminated
 * daemon=true      terminated          terminated         terminated               lifeline: it halts
 * </pre>
 * "Terminated" is SIGTERM to the child's whole tree, a short grace ({@link #DAEMON_GRACE}),
 * then SIGKILL to what is left. A child with {@code survivesParent} has no lifeline; the rest
 * of its row is the same.
 *
 * <h2>How</h2>
 * <ul>
 *   <li><b>main returns.</b> The JVM waits for its non-daemon threads before it starts to
 *   exit; {@link KeepAlive} is one such thread, alive exactly while a non-daemon child is.
 *   Then the shutdown hook below runs and terminates the daemon children.</li>
 *   <li><b>System.exit and signals.</b> The JVM runs its shutdown hooks without waiting for
 *   threads. Our hook terminates the daemon children first (as Python's exit function does),
 *   then waits for the non-daemon ones: without a deadline after {@code System.exit}, up to
 *   their grace when a signal is stopping the JVM ({@link JvmSignals} tells which), then
 *   terminates them.</li>
 *   <li><b>Death of this JVM.</b> No hook runs; each child's {@code child.Lifeline} sees that its
 *   parent changed and halts.</li>
 * </ul>
 * Reaping goes on during the hook: the event thread is a daemon thread, and those run until
 * the JVM halts. Idle warm spares are killed at once; they hold no work.
 */
final class JvmChildren {
    /** How long daemon children get between SIGTERM and SIGKILL at exit. */
    static final Duration DAEMON_GRACE = Duration.ofMillis(Long.getLong("dev.multiproc.daemonGraceMillis", 1000));

    private record Entry(ChildJvm jvm, boolean daemon, Duration grace) {}

    private static final Map<ChildJvm, Entry> LIVE = new ConcurrentHashMap<>();
    private static boolean hooked;

    private JvmChildren() {}

    /** Tracks a child that runs a task, until it ends. */
    static void register(ChildJvm jvm, boolean daemon, Duration signalGrace) {
        installHook();
        LIVE.put(jvm, new Entry(jvm, daemon, signalGrace));
        if (!daemon) {
            KeepAlive.acquire();
        }
        jvm.child().exit().whenComplete((status, e) -> {
            if (LIVE.remove(jvm) != null && !daemon) {
                KeepAlive.release();
            }
        });
    }

    /** Makes sure the exit hook is installed; for warm spares, which it kills. */
    static synchronized void installHook() {
        if (hooked) {
            return;
        }
        hooked = true;
        JvmSignals.watchTermination();
        Thread hook = Thread.ofPlatform().name("multiproc-jvm-exit").unstarted(JvmChildren::onExit);
        hook.setContextClassLoader(null); // library threads pin no loader (docs/decisions.md)
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // Started during shutdown: the children's lifelines are all there is.
        }
    }

    private static void onExit() {
        boolean bySignal = JvmSignals.terminationSignal() != 0;
        List<Thread> work = new ArrayList<>();
        List<Entry> awaited = new ArrayList<>();
        WarmSpare.discard();
        for (Entry e : LIVE.values()) {
            if (e.daemon) {
                work.add(Thread.ofVirtual().start(() -> terminate(e, DAEMON_GRACE)));
            } else {
                awaited.add(e);
            }
        }
        for (Entry e : awaited) {
            work.add(Thread.ofVirtual().start(() -> {
                if (!bySignal) {
                    await(e.jvm, Long.MAX_VALUE);
                } else if (!await(e.jvm, e.grace.toNanos())) {
                    terminate(e, DAEMON_GRACE);
                }
            }));
        }
        for (Thread t : work) {
            try {
                t.join();
            } catch (InterruptedException ie) {
                return;
            }
        }
    }

    private static boolean await(ChildJvm jvm, long nanos) {
        try {
            if (nanos == Long.MAX_VALUE) {
                jvm.child().exit().get();
            } else {
                jvm.child().exit().get(nanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException | ExecutionException e) {
            return true;
        }
    }

    private static void terminate(Entry e, Duration grace) {
        try {
            e.jvm.child().killTree(Signal.SIGTERM, grace);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
