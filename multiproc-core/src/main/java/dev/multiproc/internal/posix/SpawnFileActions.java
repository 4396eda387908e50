package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A {@code posix_spawn_file_actions_t}: the fd work the child does between fork and exec,
 * in the order it was added. Each method is named after the C function it calls.
 */
public final class SpawnFileActions implements AutoCloseable {
    /** {@code sizeof(posix_spawn_file_actions_t)} in glibc on LP64 (x86_64 and aarch64). */
    private static final long SIZE = 80;

    private static final FunctionDescriptor ONE_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final MethodHandle INIT = Native.plain("posix_spawn_file_actions_init", ONE_POINTER);
    private static final MethodHandle DESTROY = Native.plain("posix_spawn_file_actions_destroy", ONE_POINTER);
    private static final MethodHandle ADD_DUP2 = Native.plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_CLOSE = Native.plain("posix_spawn_file_actions_addclose",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ADD_OPEN = Native.plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_CHDIR = Native.plain("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ADD_CLOSEFROM = Native.plain("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private final Arena arena;
    private final MemorySegment actions;

    /** {@code posix_spawn_file_actions_init}; the struct lives in {@code arena}. */
    public SpawnFileActions(Arena arena) throws ErrnoException {
        this.arena = arena;
        this.actions = arena.allocate(SIZE, 8);
        int r;
        try {
            r = (int) INIT.invokeExact(actions);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_init()");
    }

    MemorySegment address() {
        return actions;
    }

    /** {@code posix_spawn_file_actions_adddup2}; with {@code fd == newFd} it clears FD_CLOEXEC. */
    public void adddup2(int fd, int newFd) throws ErrnoException {
        int r;
        try {
            r = (int) ADD_DUP2.invokeExact(actions, fd, newFd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_adddup2(fd=" + fd + ", newfd=" + newFd + ")");
    }

    /** {@code posix_spawn_file_actions_addclose}. */
    public void addclose(int fd) throws ErrnoException {
        int r;
        try {
            r = (int) ADD_CLOSE.invokeExact(actions, fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_addclose(fd=" + fd + ")");
    }

    /** {@code posix_spawn_file_actions_addopen}. */
    public void addopen(int fd, String path, int flags, int mode) throws ErrnoException {
        int r;
        try {
            r = (int) ADD_OPEN.invokeExact(actions, fd, arena.allocateFrom(path), flags, mode);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_addopen(fd=" + fd + ", path=\"" + path + "\")");
    }

    /** {@code posix_spawn_file_actions_addchdir_np} (glibc 2.29). */
    public void addchdir_np(String directory) throws ErrnoException {
        int r;
        try {
            r = (int) ADD_CHDIR.invokeExact(actions, arena.allocateFrom(directory));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_addchdir_np(\"" + directory + "\")");
    }

    /** {@code posix_spawn_file_actions_addclosefrom_np} (glibc 2.34): close every fd from {@code lowFd} up. */
    public void addclosefrom_np(int lowFd) throws ErrnoException {
        int r;
        try {
            r = (int) ADD_CLOSEFROM.invokeExact(actions, lowFd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        check(r, "posix_spawn_file_actions_addclosefrom_np(lowfd=" + lowFd + ")");
    }

    /** {@code posix_spawn_file_actions_destroy}; the memory itself belongs to the arena. */
    @Override
    public void close() {
        try {
            int ignored = (int) DESTROY.invokeExact(actions);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The posix_spawn family returns the error number instead of setting errno. */
    static void check(int result, String call) throws ErrnoException {
        if (result != 0) {
            throw new ErrnoException(call, result);
        }
    }
}
