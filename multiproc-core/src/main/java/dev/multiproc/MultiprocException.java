package dev.multiproc;

import java.io.Serial;

/**
 * The root of multiproc's own failures: a timeout, a failed status, a child or worker that
 * failed or died. Misuse is reported with the JDK's {@code IllegalArgumentException} and
 * {@code IllegalStateException} instead, and failures to start with {@code IOException}.
 */
public class MultiprocException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public MultiprocException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public MultiprocException(String message, Throwable cause) {
        super(message, cause);
    }
}
