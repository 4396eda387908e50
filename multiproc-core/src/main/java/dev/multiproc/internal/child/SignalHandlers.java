package dev.multiproc.internal.child;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Java-level handlers for signals, through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}), reached by method handles: naming it in source makes {@code javac}
 * warn about an internal proprietary API, which the build treats as an error. A handler is
 * passed around as a plain object (a {@code sun.misc.SignalHandler}), and so is a signal.
 *
 * <h2>Made for a child's start-up</h2>
 * A child JVM installs its handlers ({@link SignalExit}) before its task runs, so everything an
 * installation needs is a class made by {@link LambdaMetafactory}, as a lambda is: a handler
 * object, and functions that call the constructor and {@code handle} directly. In a fresh JVM, a
 * {@link java.lang.reflect.Proxy} cost about 15 ms to generate its class, and with core
 * reflection's first calls a child's three handlers cost about 19 ms of CPU against 12 ms this
 * way (paired runs on a busy machine, without the AOT cache; about 5 ms with it). Only
 * {@link #run}, when a signal came, uses core reflection. The handlers of the user's JVM
 * (chained, restorable: {@code internal.signals.JvmSignals}) are made here too, so that there is
 * one way to reach {@code sun.misc.Signal}; it lives with the child, which may load nothing of
 * the library's parent side.
 */
public final class SignalHandlers {
    /** What a handler runs, on the thread the JVM starts for the signal; it must be quick. */
    public interface Action {
        /**
         * Handles {@code signal}, a {@code sun.misc.Signal}.
         *
         * @throws Throwable whatever the action throws, which the JVM's signal thread reports
         */
        void handle(Object signal) throws Throwable;
    }

    private SignalHandlers() {}

    /**
     * Installs a handler that runs {@code action} for signal {@code name} (such as
     * {@code "TERM"}), and returns the handler it replaced: the JDK's, another Java handler, or
     * one of the markers {@link #isIgnored}, {@link #isNative} and {@link #isDefault} tell.
     *
     * @throws IllegalArgumentException if the JVM does not let Java handle the signal (the
     *     message is the JVM's, such as "Signal already used by VM or OS")
     * @throws IllegalStateException if {@code sun.misc.Signal} is not usable in this runtime
     */
    public static Object install(String name, Action action) {
        Api api = Api.INSTANCE;
        try {
            return api.handle.apply(api.newSignal.apply(name), api.handlerFor(action));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sun.misc.Signal is not usable in this runtime", t);
        }
    }

    /**
     * Puts {@code handler} (one {@link #install} returned) back for signal {@code name}.
     *
     * @throws IllegalStateException if it cannot be put back
     */
    public static void restore(String name, Object handler) {
        try {
            Api api = Api.INSTANCE;
            api.handle.apply(api.newSignal.apply(name), handler);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot restore the handler of SIG" + name, t);
        }
    }

    /** True if {@code handler} is the JDK's mark of an ignored signal ({@code SIG_IGN}). */
    public static boolean isIgnored(Object handler) {
        return handler == Api.INSTANCE.sigIgn;
    }

    /** True if {@code handler} is the JDK's mark of the default disposition ({@code SIG_DFL}). */
    public static boolean isDefault(Object handler) {
        return handler == Api.INSTANCE.sigDfl;
    }

    /**
     * True for what installing returns when the JVM had a native handler there (such as its
     * thread-suspension signal, SIGUSR2 by default on Linux): an adapter around
     * {@code jdk.internal.misc.Signal$NativeHandler}, whose {@code toString} is the wrapped
     * handler's. That is the only mark the JDK leaves visible; if it ever changes, the handler
     * is replaced as {@code sun.misc.Signal} itself would replace it.
     */
    public static boolean isNative(Object handler) {
        return handler != null && String.valueOf(handler).contains("Signal$NativeHandler");
    }

    /**
     * Runs Java handler {@code handler} for {@code signal}, as if the signal had come to it.
     * Core reflection is good enough here: it runs when a signal came, not at start-up.
     *
     * @throws Throwable whatever the handler throws
     */
    public static void run(Object handler, Object signal) throws Throwable {
        Api api = Api.INSTANCE;
        try {
            api.handlerClass.getMethod("handle", api.signalClass).invoke(handler, signal);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What every handler installed here runs, on the thread the JVM starts for the signal. */
    private static void dispatch(Action action, Object signal) throws Throwable {
        action.handle(signal);
    }

    /** What calls {@code sun.misc.Signal} and makes its handlers, resolved once; see the class comment. */
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
                                MethodType.methodType(handlerClass, Action.class), handles,
                                lookup.findStatic(SignalHandlers.class, "dispatch",
                                        MethodType.methodType(void.class, Action.class, Object.class)), handles)
                        .getTarget().asType(MethodType.methodType(Object.class, Action.class));
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

        /** A {@code sun.misc.SignalHandler} that runs {@link #dispatch} with {@code action}. */
        Object handlerFor(Action action) throws Throwable {
            return (Object) handlerFactory.invokeExact(action);
        }
    }
}
