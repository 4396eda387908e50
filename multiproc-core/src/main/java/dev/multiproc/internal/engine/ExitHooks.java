package dev.multiproc.internal.engine;

import dev.multiproc.Signal;
import java.time.Duration;
import java.util.List;

/**
 * What happens to children when this JVM exits normally or through {@code System.exit}:
 * daemon commands are terminated with their trees (TERM, a short grace, KILL); non-daemon
 * commands are left running. A subreaper JVM then reaps the orphans that are already
 * zombies, so that they do not pass to PID 1 as zombies when it exits.
 */
final class ExitHooks {
    /** How long daemon commands get between TERM and KILL at exit. */
    static final Duration DAEMON_GRACE =
            Duration.ofMillis(Long.getLong("dev.multiproc.daemonGraceMillis", 1000));

    private ExitHooks() {}

    static void install(Engine engine) {
        Thread hook = Thread.ofPlatform().name("multiproc-exit").unstarted(() -> onExit(engine));
        hook.setContextClassLoader(null); // a registered hook lives as long as the JVM: it must pin no loader
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // First use during shutdown: there is nothing of ours to clean up yet.
        }
    }

    private static void onExit(Engine engine) {
        killDaemons(engine);
        Watchdog watchdog = engine.watchdog();
        if (watchdog != null) {
            watchdog.release(); // a normal exit: non-daemon commands live on
        }
        engine.reapOrphansNow();
        engine.childrenFile().delete();
    }

    private static void killDaemons(Engine engine) {
        List<Child> daemons = engine.liveChildren().stream()
                .filter(c -> c.kind() == Child.Kind.COMMAND && c.daemon())
                .toList();
        if (daemons.isEmpty()) {
            return;
        }
        try {
            ProcessTree.kill(daemons, Signal.SIGTERM, DAEMON_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
