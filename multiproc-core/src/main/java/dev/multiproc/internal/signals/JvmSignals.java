package dev.multiproc.internal.signals;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * Java-level signal handlers in this JVM, through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}), reached reflectively: naming it in source makes {@code javac} warn
 * about an internal proprietary API, which the build treats as an error.
 *
 * <h2>Chaining</h2>
 * A handler installed to chain runs its action and then the Java handler it replaced, so the
 * JVM still does what it did before: for SIGTERM, SIGINT and SIGHUP that is the JDK's own
 * handler, which runs the shutdown hooks and exits with 128+N. A default disposition is not
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
                api.handle.invoke(api.newSignal.invoke(name), previous);
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
            Object signal = api.newSignal.invoke(name);
            Object[] previous = new Object[1];
            InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    action.accept((int) api.getNumber.invoke(args[0]));
                    if (chain) {
                        chain(api, args[0], previous[0]);
                    }
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "multiproc handler for SIG" + name;
                default -> throw new UnsupportedOperationException(method.getName());
            };
            Object handler = Proxy.newProxyInstance(JvmSignals.class.getClassLoader(),
                    new Class<?>[] {api.handlerClass}, h);
            previous[0] = api.handle.invoke(signal, handler);
            if (previous[0] == api.sigIgn) {
                api.handle.invoke(signal, api.sigIgn);
                throw new IllegalArgumentException("SIG" + name + " is ignored in this JVM (as under nohup)");
            }
            if (isNative(previous[0])) {
                api.handle.invoke(signal, previous[0]);
                throw new IllegalStateException("the JVM handles SIG" + name + " itself");
            }
            return new Installed(name, previous[0]);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e; // the JVM's own "Signal already used by VM or OS", or ours above
        } catch (Throwable t) {
            throw new IllegalStateException("sun.misc.Signal is not usable in this runtime", t);
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

    /**
     * Runs the handler this one replaced, if it is a Java handler (the JDK's, which stops the
     * JVM for TERM, INT and HUP, or another one). The default disposition is not re-enacted:
     * for SIGUSR1 and SIGUSR2 it would end the JVM, which a forwarded signal must not do.
     */
    private static void chain(Api api, Object signal, Object previous) throws Throwable {
        if (previous == null || previous == api.sigIgn || previous == api.sigDfl) {
            return;
        }
        api.callHandler.invoke(previous, signal);
    }

    /** The reflective handles, resolved once. */
    private static final class Api {
        static final Api INSTANCE = new Api();

        final Class<?> handlerClass;
        final MethodHandle newSignal;
        final MethodHandle handle;
        final MethodHandle getNumber;
        final MethodHandle callHandler;
        final Object sigDfl;
        final Object sigIgn;

        private Api() {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                handlerClass = Class.forName("sun.misc.SignalHandler");
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                newSignal = lookup.findConstructor(signalClass, MethodType.methodType(void.class, String.class));
                handle = lookup.findStatic(signalClass, "handle",
                        MethodType.methodType(handlerClass, signalClass, handlerClass));
                getNumber = lookup.findVirtual(signalClass, "getNumber", MethodType.methodType(int.class));
                callHandler = lookup.findVirtual(handlerClass, "handle",
                        MethodType.methodType(void.class, signalClass));
                sigDfl = handlerClass.getField("SIG_DFL").get(null);
                sigIgn = handlerClass.getField("SIG_IGN").get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("sun.misc.Signal is not usable", e);
            }
        }
    }
}
