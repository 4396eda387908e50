package dev.multiproc.internal.engine;

import dev.multiproc.Signal;
import dev.multiproc.internal.signals.JvmSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What becomes of this JVM's children when it exits: one policy over the engine's children,
 * each of which carries what the policy needs to know of it (its kind, whether it is a daemon,
 * and the grace of a child JVM), with one shutdown hook. Python's daemon semantics.
 *
 * <h2>The matrix</h2>
 * <pre>
 *                        main returns        System.exit        SIGTERM/INT/HUP          SIGKILL, halt, crash
 * command, daemon        terminated          terminated         terminated               the guardian kills it
 * command, not daemon    left running        left running       left running             as it survives or not
 * child JVM, daemon      terminated          terminated         terminated               lifeline: it halts
 * child JVM, not daemon  JVM waits for it    hook waits for it  awaited up to its grace, lifeline: it halts
 *                                                               then terminated
 * </pre>
 * "Terminated" is SIGTERM to the child's whole tree, a short grace ({@link #DAEMON_GRACE}),
 * then SIGKILL to what is left. The guardian is never touched: it is told to release its
 * commands. A child with {@code survivesParent} has no lifeline; the rest of its row is the same.
 *
 * <h2>How</h2>
 * <ul>
 *   <li><b>main returns.</b> The JVM waits for its non-daemon threads before it starts to
 *   exit; {@link KeepAlive} is one such thread, alive exactly while an awaited child JVM is.
 *   Then the shutdown hook below runs.</li>
 *   <li><b>The hook</b> (also for {@code System.exit} and signals, after which the JVM runs its
 *   hooks without waiting for threads) first runs what the layers above asked to run first
 *   (the idle warm spare is killed at once: it holds no work), terminates the daemon children,
 *   as Python's exit function does, and meanwhile waits for the child JVMs that are not
 *   daemons: without a deadline, or up to their grace when a signal is stopping this JVM
 *   ({@link JvmSignals} tells which), then terminates them. Once the daemons are gone the
 *   guardian is released (non-daemon commands live on), a subreaper reaps the orphans that
 *   are already zombies, so that they do not pass to PID 1 as zombies, and the list of
 *   children is deleted.</li>
 *   <li><b>Death of this JVM.</b> No hook runs; each child JVM's lifeline sees that its parent
 *   changed and halts, and the guardian kills the commands that do not survive their parent.</li>
 * </ul>
 * Reaping goes on during the hook: the event thread is a daemon thread, and those run until
 * the JVM halts.
 */
public final class ExitPolicy {
    /** How long daemon children get between SIGTERM and SIGKILL at exit. */
    static final Duration DAEMON_GRACE =
            Duration.ofMillis(Long.getLong("dev.multiproc.daemonGraceMillis", 1000));

    private static final List<Runnable> FIRST = new CopyOnWriteArrayList<>();

    private ExitPolicy() {}

    static void install(Engine engine) {
        Thread hook = Thread.ofPlatform().name("multiproc-exit").unstarted(() -> onExit(engine));
        hook.setContextClassLoader(null); // a registered hook lives as long as the JVM: it must pin no loader
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // First use during shutdown: the children's lifelines and the guardian are all there is.
        }
    }

    /**
     * Tells the policy what to do with child JVM {@code child}, once it is given its task (a warm
     * spare was started before its task was known): a daemon is terminated at exit; any other is
     * awaited, up to {@code grace} when a signal stops this JVM, and keeps this JVM alive after
     * {@code main} returns until it ends.
     */
    public static void track(Child child, boolean daemon, Duration grace) {
        JvmSignals.watchTermination();
        child.atExit(daemon, grace);
        if (!daemon) {
            KeepAlive.acquire();
            child.exit().whenComplete((status, e) -> KeepAlive.release());
        }
    }

    /**
     * Adds {@code action} to what the hook runs before it deals with the children: for what a
     * layer above holds that is not yet any task's child, such as an idle warm spare.
     */
    public static void runFirst(Runnable action) {
        FIRST.add(action);
    }

    private static void onExit(Engine engine) {
        for (Runnable action : FIRST) {
            action.run();
        }
        boolean bySignal = JvmSignals.terminationSignal() != 0;
        List<Child> daemons = new ArrayList<>();
        List<Thread> awaiting = new ArrayList<>();
        for (Child child : engine.liveChildren()) {
            if (child.kind() == Child.Kind.GUARDIAN) {
                continue;
            }
            if (child.daemon()) {
                daemons.add(child);
            } else if (child.kind() == Child.Kind.JVM) {
                awaiting.add(Thread.ofVirtual().start(() -> await(child, bySignal)));
            }
        }
        terminate(daemons);
        Watchdog watchdog = engine.watchdog();
        if (watchdog != null) {
            watchdog.release(); // a normal exit: non-daemon commands live on
        }
        engine.reapOrphansNow();
        engine.childrenFile().delete();
        for (Thread t : awaiting) {
            try {
                t.join();
            } catch (InterruptedException ie) {
                return;
            }
        }
    }

    /** Waits for a child JVM that is not a daemon: for ever, or up to its grace under a signal, then terminates it. */
    private static void await(Child child, boolean bySignal) {
        try {
            if (!bySignal) {
                child.exit().get();
            } else {
                child.exit().get(child.grace().toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            terminate(List.of(child));
        } catch (InterruptedException | ExecutionException e) {
            // nothing more to wait for
        }
    }

    private static void terminate(List<Child> children) {
        if (children.isEmpty()) {
            return;
        }
        try {
            ProcessTree.kill(children, Signal.SIGTERM, DAEMON_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
