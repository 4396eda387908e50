package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** A {@code posix_spawnattr_t}: process group, session, signal mask and dispositions of the child. */
public final class SpawnAttributes implements AutoCloseable {
    // <spawn.h> (glibc)
    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;

    /** {@code sizeof(posix_spawnattr_t)} in glibc on LP64 (x86_64 and aarch64). */
    private static final long SIZE = 336;

    private static final FunctionDescriptor ONE_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final MethodHandle INIT = Native.plain("posix_spawnattr_init", ONE_POINTER);
    private static final MethodHandle DESTROY = Native.plain("posix_spawnattr_destroy", ONE_POINTER);
    private static final MethodHandle SET_FLAGS = Native.plain("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle SET_PGROUP = Native.plain("posix_spawnattr_setpgroup",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SET_SIGMASK = Native.plain("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SET_SIGDEFAULT = Native.plain("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    private final MemorySegment attributes;

    /** {@code posix_spawnattr_init}; the struct lives in {@code arena}. */
    public SpawnAttributes(Arena arena) throws ErrnoException {
        this.attributes = arena.allocate(SIZE, 8);
        int r;
        try {
            r = (int) INIT.invokeExact(attributes);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        SpawnFileActions.check(r, "posix_spawnattr_init()");
    }

    MemorySegment address() {
        return attributes;
    }

    /** {@code posix_spawnattr_setflags}. */
    public void setflags(short flags) throws ErrnoException {
        int r;
        try {
            r = (int) SET_FLAGS.invokeExact(attributes, flags);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        SpawnFileActions.check(r, "posix_spawnattr_setflags(0x" + Integer.toHexString(flags) + ")");
    }

    /** {@code posix_spawnattr_setpgroup}: 0 makes the child the leader of a new group. */
    public void setpgroup(int processGroup) throws ErrnoException {
        int r;
        try {
            r = (int) SET_PGROUP.invokeExact(attributes, processGroup);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        SpawnFileActions.check(r, "posix_spawnattr_setpgroup(" + processGroup + ")");
    }

    /** {@code posix_spawnattr_setsigmask}. */
    public void setsigmask(SigSet mask) throws ErrnoException {
        int r;
        try {
            r = (int) SET_SIGMASK.invokeExact(attributes, mask.address());
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        SpawnFileActions.check(r, "posix_spawnattr_setsigmask()");
    }

    /** {@code posix_spawnattr_setsigdefault}. */
    public void setsigdefault(SigSet signals) throws ErrnoException {
        int r;
        try {
            r = (int) SET_SIGDEFAULT.invokeExact(attributes, signals.address());
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        SpawnFileActions.check(r, "posix_spawnattr_setsigdefault()");
    }

    /** {@code posix_spawnattr_destroy}; the memory itself belongs to the arena. */
    @Override
    public void close() {
        try {
            int ignored = (int) DESTROY.invokeExact(attributes);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
