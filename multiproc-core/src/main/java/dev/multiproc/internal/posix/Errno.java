package dev.multiproc.internal.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Error numbers ({@code <errno.h>}, the same on x86_64 and aarch64) and their names. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOEXEC = 8;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int EMSGSIZE = 90;
    public static final int ETIMEDOUT = 110;

    private static final String[] NAMES = {
        "0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
        "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
    };

    /** Names of the numbers past {@link #NAMES} that the library meets. */
    private static String nameAbove(int errno) {
        return switch (errno) {
            case EMSGSIZE -> "EMSGSIZE";
            case ETIMEDOUT -> "ETIMEDOUT";
            default -> "errno " + errno;
        };
    }

    private static final MethodHandle STRERROR = Native.plain("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Errno() {}

    /** The symbolic name of {@code errno}, such as {@code ENOENT}. */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length ? NAMES[errno] : nameAbove(errno);
    }

    /** The C library's text for {@code errno}, such as "No such file or directory". */
    @SuppressWarnings("restricted")
    public static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("strerror failed", t);
        }
    }
}
