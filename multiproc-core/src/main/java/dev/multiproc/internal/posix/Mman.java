package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Memory mappings ({@code <sys/mman.h>}): {@code mmap} and {@code munmap}, and the POSIX shared
 * memory names {@code shm_open} and {@code shm_unlink} (files under {@code /dev/shm}).
 */
public final class Mman {
    // <sys/mman.h>, the same values on x86_64 and aarch64
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    /** What {@code mmap} returns on failure: {@code (void *) -1}. */
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP = Native.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SHM_OPEN = Native.downcall("shm_open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle SHM_UNLINK = Native.downcall("shm_unlink",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Mman() {}

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}: the address of the new mapping, as a
     * zero-length segment (the caller gives it its size and lifetime).
     */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) throws ErrnoException {
        MemorySegment state = Native.callState();
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (address.address() == MAP_FAILED) {
            throw new ErrnoException("mmap(length=" + length + ", prot=0x" + Integer.toHexString(prot) + ", flags=0x"
                    + Integer.toHexString(flags) + ", fd=" + fd + ", offset=" + offset + ")", Native.errno(state));
        }
        return address;
    }

    /** {@code munmap(address, length)}. */
    public static void munmap(long address, long length) throws ErrnoException {
        MemorySegment state = Native.callState();
        int r;
        try {
            r = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new ErrnoException("munmap(0x" + Long.toHexString(address) + ", " + length + ")", Native.errno(state));
        }
    }

    /** {@code shm_open(name, flags, mode)}: an fd on {@code /dev/shm/NAME} ({@code name} starts with '/'). */
    public static int shm_open(String name, int flags, int mode) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            int fd;
            try {
                fd = (int) SHM_OPEN.invokeExact(state, arena.allocateFrom(name), flags, mode);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (fd < 0) {
                throw new ErrnoException("shm_open(\"" + name + "\", flags=0x" + Integer.toHexString(flags) + ", mode=0"
                        + Integer.toOctalString(mode) + ")", Native.errno(state));
            }
            return fd;
        }
    }

    /** {@code shm_unlink(name)}: removes the name; mappings and fds open on it stay valid. */
    public static void shm_unlink(String name) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            int r;
            try {
                r = (int) SHM_UNLINK.invokeExact(state, arena.allocateFrom(name));
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r != 0) {
                throw new ErrnoException("shm_unlink(\"" + name + "\")", Native.errno(state));
            }
        }
    }
}
