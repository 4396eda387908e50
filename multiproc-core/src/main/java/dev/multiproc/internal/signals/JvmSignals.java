package dev.multiproc.internal.signals;

import dev.multiproc.Signal;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Java-level signal handlers in this JVM, through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}), reached by method handles: naming it in source makes {@code javac}
 * warn about an internal proprietary API, which the build treats as an error.
 *
 * <h2>Chaining</h2>
 * A handler installed to chain runs its action and then the Java handler it replaced, so the
 * JVM still does what it did before: for SIGTERM, SIGINT and SIGHUP that is the JDK's own
 * handler, which runs the shutdown hooks and exits with 128+N (in a child JVM, {@link SignalExit}
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
            try {
                Api api = Api.INSTANCE;
                api.handle(api.newSignal.apply(name), previous);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot restore the handler of SIG" + name, t);
            }
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
        Api api = Api.INSTANCE;
        try {
            Object signal = api.newSignal.apply(name);
            Dispatch dispatch = new Dispatch(api, number(name), action, chain);
            Object previous = api.handle(signal, api.handlerFor(dispatch));
            dispatch.replaced(previous);
            if (previous == api.sigIgn) {
                api.handle(signal, api.sigIgn);
                throw new IllegalArgumentException("SIG" + name + " is ignored in this JVM (as under nohup)");
            }
            if (isNative(previous)) {
                api.handle(signal, previous);
                throw new IllegalStateException("the JVM handles SIG" + name + " itself");
            }
            return new Installed(name, previous);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e; // the JVM's own "Signal already used by VM or OS", or ours above
        } catch (Throwable t) {
            throw new IllegalStateException("sun.misc.Signal is not usable in this runtime", t);
        }
    }

    /**
     * The handler's state: the action, and the handler it replaced, which a signal arriving
     * between the installation and {@link #replaced} waits for, so that it is chained all the same.
     */
    private static final class Dispatch {
        private final Api api;
        private final int number;
        private final IntConsumer action;
        private final boolean chain;
        private boolean known;
        private Object previous;

        Dispatch(Api api, int number, IntConsumer action, boolean chain) {
            this.api = api;
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
    }

    /** What every handler installed here runs, on the thread the JVM starts for the signal. */
    private static void dispatch(Dispatch d, Object signal) throws Throwable {
        d.action.accept(d.number);
        if (d.chain) {
            chain(d.api, signal, d.previous());
        }
    }

    /**
     * True for what {@code sun.misc.Signal.handle} returns when the JVM had a native handler
     * there (such as its thread-suspension signal, SIGUSR2 by default on Linux): an adapter
     * around {@code jdk.internal.misc.Signal$NativeHandler}, whose {@code toString} is the
     * wrapped handler's. That is the only mark the JDK leaves visible; if it ever changes, the
     * handler is replaced as {@code sun.misc.Signal} itself would replace it.
     */
    private static boolean isNative(Object handler) {
        return handler != null && String.valueOf(handler).contains("Signal$NativeHandler");
    }

    /** The number of signal {@code name} ({@code "TERM"}): Linux's, as {@link Signal} has them. */
    private static int number(String name) {
        return Signal.valueOf("SIG" + name).number();
    }

    /**
     * Runs the handler this one replaced, if it is a Java handler (the JDK's, which stops the
     * JVM for TERM, INT and HUP, or another one). The default disposition is not re-enacted:
     * for SIGUSR1 and SIGUSR2 it would end the JVM, which a forwarded signal must not do.
     * Core reflection is good enough here: it runs when a signal came, not at start-up.
     */
    private static void chain(Api api, Object signal, Object previous) throws Throwable {
        if (previous == null || previous == api.sigIgn || previous == api.sigDfl) {
            return;
        }
        try {
            api.handlerClass.getMethod("handle", api.signalClass).invoke(previous, signal);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * What calls {@code sun.misc.Signal} and makes its handlers, resolved once. Everything a
     * start-up needs is a class made by {@link LambdaMetafactory}, as a lambda is: a handler
     * object, and functions that call the constructor and {@code handle} directly. A child JVM
     * installs handlers before its task runs: in a fresh JVM, a {@link java.lang.reflect.Proxy}
     * cost about 15 ms to generate its class, and with core reflection's first calls a child's
     * three handlers cost about 19 ms of CPU against 12 ms this way (paired runs on a busy
     * machine, without the AOT cache; about 5 ms with it). Only chaining, when a signal came,
     * uses core reflection.
     */
    private static final class Api {
        static final Api INSTANCE = new Api();

        final Class<?> signalClass;
        final Class<?> handlerClass;
        final Function<String, Object> newSignal;
        final BinaryOperator<Object> handle;
        final MethodHandle handlerFactory;
        final Object sigDfl;
        final Object sigIgn;

        @SuppressWarnings("unchecked")
        private Api() {
            try {
                signalClass = Class.forName("sun.misc.Signal");
                handlerClass = Class.forName("sun.misc.SignalHandler");
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandles.Lookup open = MethodHandles.publicLookup();
                newSignal = (Function<String, Object>) function(lookup, Function.class, MethodType.methodType(
                        Object.class, Object.class), open.findConstructor(signalClass,
                        MethodType.methodType(void.class, String.class)), MethodType.methodType(signalClass, String.class))
                        .invokeExact();
                MethodType handleType = MethodType.methodType(handlerClass, signalClass, handlerClass);
                handle = (BinaryOperator<Object>) function(lookup, BinaryOperator.class, MethodType.methodType(
                        Object.class, Object.class, Object.class), open.findStatic(signalClass, "handle", handleType),
                        handleType).invokeExact();
                MethodType handles = MethodType.methodType(void.class, signalClass);
                handlerFactory = LambdaMetafactory.metafactory(lookup, "handle",
                                MethodType.methodType(handlerClass, Dispatch.class), handles,
                                lookup.findStatic(JvmSignals.class, "dispatch",
                                        MethodType.methodType(void.class, Dispatch.class, Object.class)), handles)
                        .getTarget().asType(MethodType.methodType(Object.class, Dispatch.class));
                sigDfl = handlerClass.getField("SIG_DFL").get(null);
                sigIgn = handlerClass.getField("SIG_IGN").get(null);
            } catch (Throwable e) {
                throw new IllegalStateException("sun.misc.Signal is not usable", e);
            }
        }

        /**
         * What makes an instance of {@code type} whose one method {@code apply}, of type
         * {@code erased}, calls {@code target}; invoked exactly, as {@code ()type}.
         */
        private static MethodHandle function(MethodHandles.Lookup lookup, Class<?> type, MethodType erased,
                                             MethodHandle target, MethodType instantiated) throws Throwable {
            return LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(type), erased, target,
                    instantiated).getTarget();
        }

        /** A {@code sun.misc.SignalHandler} that runs {@link #dispatch} with {@code d}. */
        Object handlerFor(Dispatch d) throws Throwable {
            return (Object) handlerFactory.invokeExact(d);
        }

        /** {@code sun.misc.Signal.handle(signal, handler)}: installs it, returns the one it replaced. */
        Object handle(Object signal, Object handler) {
            return handle.apply(signal, handler);
        }
    }
}
