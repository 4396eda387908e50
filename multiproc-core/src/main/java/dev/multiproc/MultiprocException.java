package dev.multiproc;

import java.io.Serial;

/**
 * The root of multiproc's unchecked exceptions: catch it to catch every failure multiproc
 * reports about a child, whatever its kind.
 *
 * <p><b>What multiproc throws.</b> A failure of the library's work (a child that failed, a
 * timeout that passed, a worker that died, a call the kernel refused) is this exception or one
 * of its subclasses, which a caller catches differently, such as {@link ChildFailedException},
 * {@link WorkerDiedException}, {@link TaskTimeoutException}, {@link ProcessFailedException},
 * {@link TimeoutExpiredException}. Everything else it throws is a JDK type that the method's
 * javadoc names: {@link IllegalArgumentException}, {@link NullPointerException} and
 * {@link IllegalStateException} for a call that cannot be right (the message names the value
 * or the state), {@link InterruptedException} for an interrupted wait,
 * {@link java.io.IOException} for the I/O of a pipe (as any stream's, with
 * {@link java.io.UncheckedIOException} from a {@code Stream} of lines), and
 * {@link UnsupportedOperationException} for what this platform or this JVM cannot do (another
 * OS, a kernel that refuses to make this JVM a subreaper, a signal the JVM keeps for itself).
 * No exception of the library's internal packages is ever thrown to a caller.
 */
public class MultiprocException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people. Public so that code that handles multiproc's
     * failures (a stand-in for a pool's future, say) can be tested with one.
     */
    public MultiprocException(String message) {
        super(message);
    }

    /** An exception with a message for people and the failure underneath; see {@link #MultiprocException(String)}. */
    public MultiprocException(String message, Throwable cause) {
        super(message, cause);
    }
}
