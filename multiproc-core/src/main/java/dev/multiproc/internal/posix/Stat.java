package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code fstat(2)}: the fields of {@code struct stat} the library reads. The struct differs
 * between x86_64 and aarch64, but not where these fields are: {@code st_dev} at 0,
 * {@code st_ino} at 8 and {@code st_size} at 48 on both ({@code <bits/struct_stat.h>}); the
 * struct is 144 bytes on x86_64 and 128 on aarch64.
 *
 * @param dev the device of the file system holding the file
 * @param ino the file's inode number: with {@code dev}, which file this is
 * @param size the file's size in bytes
 */
public record Stat(long dev, long ino, long size) {
    private static final long STRUCT_BYTES = 144;
    private static final long ST_DEV = 0;
    private static final long ST_INO = 8;
    private static final long ST_SIZE = 48;

    private static final MethodHandle FSTAT = Native.downcall("fstat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code fstat(fd)}. */
    public static Stat fstat(int fd) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STRUCT_BYTES, 8);
            int r;
            try {
                r = (int) FSTAT.invokeExact(state, fd, buffer);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            if (r != 0) {
                throw new ErrnoException("fstat(fd=" + fd + ")", Native.errno(state));
            }
            return new Stat(buffer.get(JAVA_LONG, ST_DEV), buffer.get(JAVA_LONG, ST_INO), buffer.get(JAVA_LONG, ST_SIZE));
        }
    }
}
