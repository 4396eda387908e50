package dev.multiproc;

import java.io.Serial;

/**
 * The root of multiproc's unchecked exceptions: catch it to catch every failure multiproc
 * reports about a child, whatever its kind.
 */
public class MultiprocException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with a message for people. */
    public MultiprocException(String message) {
        super(message);
    }

    /** An exception with a message for people and the failure underneath. */
    public MultiprocException(String message, Throwable cause) {
        super(message, cause);
    }
}
