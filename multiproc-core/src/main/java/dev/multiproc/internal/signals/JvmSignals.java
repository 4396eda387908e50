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
 * A handler installed here runs its action and then the handler it replaced, so the JVM still
 * does what it did before: for SIGTERM, SIGINT and SIGHUP that is the JDK's own handler,
 * which runs the shutdown hooks and exits with 128+N. If the replaced disposition was the
 * default one, the default is restored and the signal raised again; if the signal was
 * ignored, nothing is installed (as {@code nohup} expects). Actions run on the thread the JVM
 * starts for each signal, never in a native signal context, and must be quick.
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
            Api api = Api.INSTANCE;
            Object signal = api.newSignal.invoke(name);
            Object[] previous = new Object[1];
            InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    action.accept((int) api.getNumber.invoke(args[0]));
                    chain(api, args[0], previous[0]);
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
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false; // used by the JVM, or -Xrs
        } catch (Throwable t) {
            return false; // no sun.misc.Signal in this runtime
        }
    }

    private static void chain(Api api, Object signal, Object previous) throws Throwable {
        if (previous == null || previous == api.sigIgn) {
            return;
        }
        if (previous == api.sigDfl) {
            api.handle.invoke(signal, api.sigDfl);
            api.raise.invoke(signal);
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
        final MethodHandle raise;
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
                raise = lookup.findStatic(signalClass, "raise", MethodType.methodType(void.class, signalClass));
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
