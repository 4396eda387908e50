package dev.multiproc.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one place that links C functions. Every downcall handle in this package is made here,
 * with {@code errno} captured into a per-thread buffer so that a failing call can be turned
 * into an {@link ErrnoException} at the boundary.
 *
 * <p>Handles made with {@link #critical} skip the JVM's thread-state transition and may be
 * given heap segments; they are only for calls that never block (non-blocking reads and
 * writes, {@code getpid}).
 */
@SuppressWarnings("restricted")
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = symbols();

    private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE_LAYOUT));

    private Native() {}

    private static SymbolLookup symbols() {
        Platform.current();
        return LINKER.defaultLookup();
    }

    /** Links {@code name}; the handle takes the call-state buffer as its first argument. */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    /** Links a variadic function whose fixed arguments are the first {@code fixed}. */
    static MethodHandle variadic(String name, FunctionDescriptor descriptor, int fixed) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(fixed));
    }

    /** Links a function that never blocks, allowing heap segments as arguments. */
    static MethodHandle critical(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.critical(true));
    }

    /** Links a function whose failures are not reported through errno. */
    static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException(
                "the C library has no " + name + " (multiproc needs glibc 2.34 or newer)"));
    }

    /** The calling thread's buffer for captured call state. */
    static MemorySegment callState() {
        return CALL_STATE.get();
    }

    /** Rethrows what a downcall threw: downcalls throw no checked exceptions. */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    /** The errno captured by the last call made with {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
