package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Memory files: {@code memfd_create} (an anonymous file in memory, named only for people reading
 * {@code /proc/PID/fd}, gone when its last fd and mapping are) and {@code ftruncate}, which gives
 * one its size.
 */
public final class Memfd {
    // <linux/memfd.h>
    public static final int MFD_CLOEXEC = 0x0001;

    private static final MethodHandle MEMFD_CREATE = Native.downcall("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FTRUNCATE = Native.downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

    private Memfd() {}

    /** {@code memfd_create(name, flags)}: returns the new fd. */
    public static int memfd_create(String name, int flags) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            int fd;
            try {
                fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), flags);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (fd < 0) {
                throw new ErrnoException("memfd_create(\"" + name + "\", flags=0x" + Integer.toHexString(flags) + ")",
                        Native.errno(state));
            }
            return fd;
        }
    }

    /** {@code ftruncate(fd, length)}: sets the file's size; the new bytes read as zeros. */
    public static void ftruncate(int fd, long length) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) FTRUNCATE.invokeExact(state, fd, length);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new ErrnoException("ftruncate(fd=" + fd + ", length=" + length + ")", Native.errno(state));
        }
    }
}
