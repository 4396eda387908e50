package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Process calls: {@code getpid}, {@code getppid}, {@code geteuid}, {@code kill} and {@code prctl}. */
public final class Processes {
    // <sys/prctl.h>
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_CHILD_SUBREAPER = 36;
    public static final int PR_GET_CHILD_SUBREAPER = 37;

    private static final MethodHandle GETPID = Native.plain("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPPID = Native.plain("getppid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEUID = Native.plain("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle KILL = Native.downcall("kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PRCTL = Native.variadic("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);

    private Processes() {}

    /** {@code getpid()}. */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code getppid()}. */
    public static int getppid() {
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code geteuid()}: the user this process acts as, who owns the files it creates. */
    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code kill(pid, signal)}: true if sent, false if no such process or group (ESRCH). A
     * negative {@code pid} names a process group. Prefer {@link Pidfd} for single processes.
     */
    public static boolean kill(int pid, int signal) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) KILL.invokeExact(state, pid, signal);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r == 0) {
            return true;
        }
        int errno = Native.errno(state);
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw new ErrnoException("kill(pid=" + pid + ", sig=" + signal + ")", errno);
    }

    /**
     * {@code prctl(option, &value, 0, 0, 0)} for the options that report through an int
     * pointer (such as {@code PR_GET_CHILD_SUBREAPER}); returns the value.
     */
    public static int prctlGet(int option, Arena arena) throws ErrnoException {
        MemorySegment value = arena.allocate(JAVA_INT);
        prctl(option, value.address());
        return value.get(JAVA_INT, 0);
    }

    /** {@code prctl(option, arg2, 0, 0, 0)}; returns the call's result. */
    public static int prctl(int option, long arg2) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) PRCTL.invokeExact(state, option, arg2, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("prctl(option=" + option + ", arg2=" + arg2 + ")", Native.errno(state));
        }
        return r;
    }
}
