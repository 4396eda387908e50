package dev.multiproc.internal.posix;

import java.io.IOException;
import java.io.Serial;

/**
 * A C call that failed: names the call with its arguments, the errno name and the C
 * library's text, as in {@code pidfd_open(pid=4711, flags=0): ESRCH (No such process)}.
 */
public final class ErrnoException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, with its arguments. */
    public String call() {
        return call;
    }

    /** The error number. */
    public int errno() {
        return errno;
    }

    /** The error number's name, such as {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The C library's text for the error, such as "No such file or directory". */
    public String reason() {
        return Errno.describe(errno);
    }
}
