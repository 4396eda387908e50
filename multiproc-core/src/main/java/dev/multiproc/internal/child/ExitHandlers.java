package dev.multiproc.internal.child;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * C's exit handlers ({@code on_exit}, {@code <stdlib.h>}): functions that C's {@code exit}
 * calls, in the reverse order of their registration, before the process ends. A JVM leaves
 * through {@code exit} after everything it does at its exit (shutdown hooks, JVMTI, logging), on
 * the thread that ends it, so an exit handler runs after the last Java code.
 *
 * <p>The only C functions a child links, and linked here rather than in the library's native
 * layer ({@code internal.posix}), which a child does not load: none of them reports through
 * {@code errno}, so none needs that layer's call-state capture.
 */
@SuppressWarnings("restricted")
final class ExitHandlers {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ON_EXIT = LINKER.downcallHandle(symbol("on_exit"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment SIGNAL = symbol("signal");
    private static final MemorySegment RAISE = symbol("raise");

    private ExitHandlers() {}

    /**
     * Makes the process die by signal N when it exits with status N: registers
     * {@code signal(status, SIG_DFL)} and then {@code raise(status)} with {@code on_exit}, which
     * calls each as {@code function(status, argument)} (the argument, NULL, is {@code SIG_DFL} for
     * {@code signal}; {@code raise} has no second parameter). They stay registered and run at
     * whatever exit comes: call this only when the exit under way has status N.
     *
     * @throws IllegalStateException if the C library cannot register them
     */
    static void raiseStatusAtExit() {
        // Exit handlers run last-registered first: raise is registered first, to run last.
        register(RAISE);
        register(SIGNAL);
    }

    private static void register(MemorySegment function) {
        int r;
        try {
            r = (int) ON_EXIT.invokeExact(function, MemorySegment.NULL);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unexpected checked exception from on_exit", t);
        }
        if (r != 0) {
            throw new IllegalStateException("on_exit failed: the C library has no room for another exit handler");
        }
    }

    private static MemorySegment symbol(String name) {
        java.util.Optional<MemorySegment> symbol = LINKER.defaultLookup().find(name);
        if (symbol.isEmpty()) {
            throw new UnsupportedOperationException("the C library has no " + name);
        }
        return symbol.get();
    }
}
