package dev.multiproc.internal.signals;

import dev.multiproc.Signal;
import dev.multiproc.internal.child.SignalHandlers;
import java.util.function.IntConsumer;

/**
 * Java-level signal handlers in this JVM, through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}), which {@link SignalHandlers} reaches: chained to the handler they
 * replace, restorable, and the record of the signal that stops this JVM.
 *
 * <h2>Chaining</h2>
 * A handler installed to chain runs its action and then the Java handler it replaced, so the
 * JVM still does what it did before: for SIGTERM, SIGINT and SIGHUP that is the JDK's own
 * handler, which runs the shutdown hooks and exits with 128+N (in a child JVM, {@code SignalExit}
 * takes its place, so that the child dies by the signal). A default disposition is not
 * re-enacted (for SIGUSR1/2 it would end the JVM). If the signal was ignored, nothing is
 * installed (as {@code nohup} expects). Actions run on the thread the JVM starts for each
 * signal, never in a native signal context, and must be quick.
 *
 * <h2>Termination</h2>
 * {@link #watchTermination()} records which of SIGTERM, SIGINT or SIGHUP is stopping the JVM,
 * so that shutdown hooks can tell "asked to stop by a signal" from a normal exit or
 * {@code System.exit}: the JDK runs the same hooks for all of them.
 */
public final class JvmSignals {
    private static volatile int terminatedBy;
    private static boolean watching;

    private JvmSignals() {}

    /** Starts recording the signal that stops this JVM; idempotent. */
    public static synchronized void watchTermination() {
        if (watching) {
            return;
        }
        watching = true;
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            handle(name, number -> {
                if (terminatedBy == 0) {
                    terminatedBy = number;
                }
            });
        }
    }

    /** The number of the signal that is stopping this JVM, or 0 if none did. */
    public static int terminationSignal() {
        return terminatedBy;
    }

    /**
     * Runs {@code action} with the signal's number when signal {@code name} (such as
     * {@code "TERM"}) arrives, then the handler it replaced. Returns false if the JVM does not
     * let Java handle that signal (it uses it itself, or runs with {@code -Xrs}) or the signal
     * is ignored.
     */
    public static boolean handle(String name, IntConsumer action) {
        try {
            install(name, action, true);
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return false;
        }
    }

    /** What {@link #install} replaced, to put back. */
    public static final class Installed {
        private final String name;
        private final Object previous;

        private Installed(String name, Object previous) {
            this.name = name;
            this.previous = previous;
        }

        /** Puts back the handler that was there before. */
        public void restore() {
            SignalHandlers.restore(name, previous);
        }
    }

    /**
     * Installs {@code action} for signal {@code name}: after it, the replaced handler runs too
     * if {@code chain}, else nothing more happens (the signal no longer stops the JVM).
     *
     * @throws IllegalArgumentException if the JVM does not let Java handle the signal (the
     *     message is the JVM's), or the signal is ignored (the handler is left as it was)
     * @throws IllegalStateException if the JVM itself handles the signal natively (its thread
     *     suspension signal): replacing that handler would break the JVM
     */
    public static Installed install(String name, IntConsumer action, boolean chain) {
        Dispatch dispatch = new Dispatch(number(name), action, chain);
        Object previous = SignalHandlers.install(name, dispatch);
        dispatch.replaced(previous);
        if (SignalHandlers.isIgnored(previous)) {
            SignalHandlers.restore(name, previous);
            throw new IllegalArgumentException("SIG" + name + " is ignored in this JVM (as under nohup)");
        }
        if (SignalHandlers.isNative(previous)) {
            SignalHandlers.restore(name, previous);
            throw new IllegalStateException("the JVM handles SIG" + name + " itself");
        }
        return new Installed(name, previous);
    }

    /**
     * The handler's state: the action, and the handler it replaced, which a signal arriving
     * between the installation and {@link #replaced} waits for, so that it is chained all the same.
     */
    private static final class Dispatch implements SignalHandlers.Action {
        private final int number;
        private final IntConsumer action;
        private final boolean chain;
        private boolean known;
        private Object previous;

        Dispatch(int number, IntConsumer action, boolean chain) {
            this.number = number;
            this.action = action;
            this.chain = chain;
        }

        synchronized void replaced(Object handler) {
            previous = handler;
            known = true;
            notifyAll();
        }

        synchronized Object previous() throws InterruptedException {
            while (!known) {
                wait();
            }
            return previous;
        }

        /** What the installed handler runs, on the thread the JVM starts for the signal. */
        @Override
        public void handle(Object signal) throws Throwable {
            action.accept(number);
            if (chain) {
                chain(signal, previous());
            }
        }
    }

    /** The number of signal {@code name} ({@code "TERM"}): Linux's, as {@link Signal} has them. */
    private static int number(String name) {
        return Signal.valueOf("SIG" + name).number();
    }

    /**
     * Runs the handler this one replaced, if it is a Java handler (the JDK's, which stops the
     * JVM for TERM, INT and HUP, or another one). The default disposition is not re-enacted:
     * for SIGUSR1 and SIGUSR2 it would end the JVM, which a forwarded signal must not do.
     */
    private static void chain(Object signal, Object previous) throws Throwable {
        if (previous == null || SignalHandlers.isIgnored(previous) || SignalHandlers.isDefault(previous)) {
            return;
        }
        SignalHandlers.run(previous, signal);
    }
}
