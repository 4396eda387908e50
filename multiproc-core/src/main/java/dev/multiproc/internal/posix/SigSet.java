package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** A {@code sigset_t} ({@code <signal.h>}), built with {@code sigemptyset} and {@code sigaddset}. */
public final class SigSet {
    /** {@code sizeof(sigset_t)} in glibc: 1024 bits. */
    static final long SIZE = 128;

    private static final MethodHandle SIGEMPTYSET = Native.downcall("sigemptyset",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGADDSET = Native.downcall("sigaddset",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private final MemorySegment set;

    private SigSet(MemorySegment set) {
        this.set = set;
    }

    /** {@code sigemptyset}: a set with no signal in it, allocated in {@code arena}. */
    public static SigSet empty(Arena arena) throws ErrnoException {
        MemorySegment set = arena.allocate(SIZE, 8);
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) SIGEMPTYSET.invokeExact(state, set);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new ErrnoException("sigemptyset()", Native.errno(state));
        }
        return new SigSet(set);
    }

    /** {@code sigaddset}. */
    public SigSet add(int signal) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) SIGADDSET.invokeExact(state, set, signal);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new ErrnoException("sigaddset(signo=" + signal + ")", Native.errno(state));
        }
        return this;
    }

    MemorySegment address() {
        return set;
    }
}
