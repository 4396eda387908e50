package dev.multiproc.internal.child;

/**
 * In a child JVM: SIGTERM, SIGINT and SIGHUP run the shutdown hooks, as the JDK's own handler
 * does, and then the process dies by that signal, so that its parent sees what the kernel says of
 * a process a signal ended: Python's {@code -15}, {@code -2}, {@code -1}, not the JDK's exit codes
 * 143, 130 and 129. Nothing is translated in the parent.
 *
 * <h2>Why it takes C</h2>
 * The JDK's handler calls {@code exit(128 + N)}: the hooks run and the JVM leaves through C's
 * {@code exit}. A process reports "killed by N" only by being killed by N, with N's action back
 * to the default, after the last hook. No Java code runs that late, but C's {@code exit} first
 * calls the functions registered with {@code on_exit}, on the thread that exits, each with the
 * exit status and an argument. With status N, two functions of the C library do the rest:
 * {@code signal(N, SIG_DFL)} (the argument NULL is {@code SIG_DFL}) and {@code raise(N)} (see
 * {@link ExitHandlers}). So the handler here exits with N instead of 128 + N, and those two are
 * registered. If the C functions cannot be linked (native access denied), the handler exits
 * with 128 + N, as the JDK's does.
 *
 * <h2>Only for the exit the signal started</h2>
 * An exit handler runs at any exit, with that exit's status: registered while another exit is
 * under way (the task's {@code System.exit(7)} a moment before the signal), it would make the
 * child die by signal 7. So the handler only adds a shutdown hook of its own and starts the
 * exit; the hook registers the two functions only if the handler's thread is the one running
 * the hooks (its stack holds {@code java.lang.Shutdown.runHooks}): only then is the status N.
 * When another exit is under way, it keeps its status, as with the JDK's handler, and so does
 * a second signal during the hooks.
 *
 * <h2>Hazards</h2>
 * A shutdown hook that calls {@code Runtime.halt(n)} after the functions were registered ends the
 * child by signal n when n is a signal's number (1 to 64), instead of exit n. The library's own
 * halts in a child ({@code Lifeline}) use {@link #haltStatus} to keep to N. The signal is not
 * handled at all under {@code -Xrs}, and an ignored one (as under {@code nohup}) stays ignored.
 */
final class SignalExit implements SignalHandlers.Action {
    /** The signals that stop a JVM, by name, and their numbers on Linux. */
    private static final String[] STOPPING = {"TERM", "INT", "HUP"};
    private static final int[] NUMBERS = {15, 2, 1};
    /** For tests: a pause between the hook's registration and the exit, which widens the race with another exit. */
    private static final long TEST_DELAY_MILLIS = Long.getLong("dev.multiproc.test.signalExitDelayMillis", 0);
    private static volatile int raising;

    private final int signal;

    private SignalExit(int signal) {
        this.signal = signal;
    }

    /** Installs the handlers for SIGTERM, SIGINT and SIGHUP in this (child) JVM, in place of the JDK's. */
    static void install() {
        for (int i = 0; i < STOPPING.length; i++) {
            try {
                Object previous = SignalHandlers.install(STOPPING[i], new SignalExit(NUMBERS[i]));
                if (SignalHandlers.isIgnored(previous) || SignalHandlers.isNative(previous)) {
                    // Ignored (as under nohup), or the JVM's own: it stays as it was.
                    SignalHandlers.restore(STOPPING[i], previous);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                // -Xrs: the JVM's disposition stays as it is
            }
        }
    }

    /**
     * The status for a halt of the library's own in this JVM: {@code code}, or the number of the
     * signal this JVM is dying by, once its exit handlers are registered (they would turn
     * {@code code} into a signal).
     */
    static int haltStatus(int code) {
        int signal = raising;
        return signal != 0 ? signal : code;
    }

    /** On the thread the JVM starts for the signal (this handler's own: its number is {@link #signal}). */
    @Override
    public void handle(Object sunMiscSignal) {
        boolean linked = linkable();
        int status = linked ? signal : 128 + signal;
        Thread exiting = Thread.currentThread();
        try {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("multiproc-signal-exit")
                    .unstarted(() -> registerIfOurs(exiting, signal, linked)));
        } catch (IllegalStateException shutdownUnderWay) {
            return; // another exit is under way: it keeps its status
        }
        if (TEST_DELAY_MILLIS > 0) {
            try {
                Thread.sleep(TEST_DELAY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime.getRuntime().exit(status);
    }

    /** Loads {@link ExitHandlers}, which links the C functions; true if that worked. */
    private static boolean linkable() {
        try {
            Class.forName(ExitHandlers.class.getName(), true, SignalExit.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            return false; // native access denied, or not glibc
        }
    }

    /** In a shutdown hook: registers the exit handlers if {@code exiting} started this exit. */
    private static void registerIfOurs(Thread exiting, int signal, boolean linked) {
        if (linked && runsTheHooks(exiting)) {
            ExitHandlers.raiseStatusAtExit();
            raising = signal;
        }
    }

    private static boolean runsTheHooks(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if ("java.lang.Shutdown".equals(frame.getClassName()) && "runHooks".equals(frame.getMethodName())) {
                return true;
            }
        }
        return false;
    }
}
