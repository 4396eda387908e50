package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.signals.JvmSignals;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Signals received by this JVM: handlers for SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2,
 * and forwarding a received signal to children, as {@code tini -g} does. (Python's
 * {@code signal.signal}; the SIGCHLD role is played by {@code onExit()}.)
 *
 * <p>A handler runs on a thread the JVM starts for each signal, never inside a native signal
 * handler, so it may do anything a Java method may; it should be quick. Each method returns a
 * {@link Registration} whose {@code close()} puts back what was there before.
 *
 * <p>Forwarding sends the signal to every target, then does what the JVM did before: a target
 * the kernel refuses to signal is logged (a {@code System.Logger} warning) and stops neither the
 * others nor the JVM's own reaction, so that SIGTERM still stops a JVM one of whose children
 * changed its user.
 */
public final class Signals {
    private static final Set<Signal> HANDLED = EnumSet.of(Signal.SIGINT, Signal.SIGTERM, Signal.SIGHUP,
            Signal.SIGUSR1, Signal.SIGUSR2);

    private Signals() {}

    /** An installed handler; closing it puts back the one it replaced. */
    public static final class Registration implements AutoCloseable {
        private final JvmSignals.Installed installed;
        private boolean closed;

        private Registration(JvmSignals.Installed installed) {
            this.installed = installed;
        }

        /** Puts back the handler this one replaced. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                installed.restore();
            }
        }
    }

    /**
     * Runs {@code handler} when {@code signal} arrives, instead of what the JVM did before:
     * after {@code handle(SIGTERM, ...)}, SIGTERM no longer stops the JVM unless the handler
     * does (by {@code System.exit}, say), as with Python's {@code signal.signal}.
     *
     * @throws IllegalArgumentException if {@code signal} is not one of SIGINT, SIGTERM, SIGHUP,
     *     SIGUSR1 or SIGUSR2 (the JVM reserves the others, or they cannot be caught at all), or
     *     if it is ignored in this JVM (as under {@code nohup})
     * @throws UnsupportedOperationException for SIGUSR2 when the JVM uses it itself to suspend
     *     threads; the message says how to free it
     */
    public static Registration handle(Signal signal, Consumer<Signal> handler) {
        Objects.requireNonNull(handler, "handler");
        return install(signal, number -> handler.accept(Signal.of(number)), false);
    }

    /**
     * Sends {@code signal}, when this JVM receives it, to every child it started that is still
     * running (commands and child JVMs), then does what the JVM did before: for SIGTERM,
     * SIGINT and SIGHUP its normal exit, with the exit hooks. (SIGUSR1 and SIGUSR2, whose
     * default would end the JVM, are only forwarded.)
     *
     * @throws IllegalArgumentException as {@link #handle}
     */
    public static Registration forwardToChildren(Signal signal) {
        return install(signal, number -> {
            for (Child child : Engine.get().liveChildren()) {
                if (child.kind() != Child.Kind.GUARDIAN) {
                    send(Signal.of(number), "process " + child.pid(), child::signal);
                }
            }
        }, true);
    }

    /**
     * Sends {@code signal}, when this JVM receives it, to each of {@code targets} still
     * running, then does what the JVM did before.
     *
     * @throws IllegalArgumentException as {@link #handle}
     */
    public static Registration forward(Signal signal, List<? extends SignalTarget> targets) {
        List<SignalTarget> copy = List.copyOf(targets);
        return install(signal, number -> {
            for (SignalTarget target : copy) {
                send(Signal.of(number), target, target::signal);
            }
        }, true);
    }

    /** Sends {@code signal} through {@code sender}; a failure is logged, not thrown (see the class comment). */
    private static void send(Signal signal, Object target, Predicate<Signal> sender) {
        try {
            sender.test(signal);
        } catch (RuntimeException e) {
            System.getLogger(Signals.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot forward " + signal.displayName() + " to " + target + ": " + e.getMessage());
        }
    }

    private static Registration install(Signal signal, java.util.function.IntConsumer action, boolean chain) {
        Objects.requireNonNull(signal, "signal");
        if (signal == Signal.SIGKILL || signal == Signal.SIGSTOP) {
            throw new IllegalArgumentException(signal.displayName() + " cannot be caught or handled by any process");
        }
        if (!HANDLED.contains(signal)) {
            throw new IllegalArgumentException("the JVM reserves " + signal.displayName() + " for itself or does not "
                    + "let Java handle it; multiproc handles SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2");
        }
        String name = signal.name().substring(3);
        try {
            return new Registration(JvmSignals.install(name, action, chain));
        } catch (IllegalStateException e) {
            throw new UnsupportedOperationException("this JVM handles " + signal.displayName() + " itself"
                    + (signal == Signal.SIGUSR2 ? " (to suspend threads, for JFR sampling and debuggers); start it"
                    + " with the environment variable _JAVA_SR_SIGNUM set to a free real-time signal, such as 40,"
                    + " to free SIGUSR2" : ""), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot handle " + signal.displayName() + ": " + e.getMessage(), e);
        }
    }
}
