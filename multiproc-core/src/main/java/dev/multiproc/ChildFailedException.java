package dev.multiproc;

import java.io.Serial;
import java.util.Optional;

/**
 * A task in a child JVM did not produce a result: it threw (then {@link #remoteClassName()}
 * names the exception's class and {@link #getCause()} carries the child's stack trace), the
 * child ended without answering (killed, {@code System.exit}, a crash; then
 * {@link #exitStatus()} says how and {@link #stderrTail()} holds the last of its stderr), or
 * its result could not be read here (then the cause is whatever its deserialization threw,
 * even an {@code Error}).
 *
 * <p>The cause is the child's exception itself when it could be deserialized here, else a
 * stand-in whose {@code toString()} and stack trace are the child's, so a logged
 * {@code ChildFailedException} shows the frames where the child failed.
 */
public class ChildFailedException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String remoteClassName;
    private final String stderrTail;
    // ExitStatus is not Serializable; it is kept as its parts: 'E' exited, 'S' signaled, 0 none.
    private final char statusKind;
    private final int statusValue;
    private final boolean coreDumped;

    /**
     * A failure of a child JVM.
     *
     * @param message what happened, for people
     * @param remoteClassName the class of the exception thrown in the child, or null if none was
     * @param exitStatus how the child ended, or null if it had not ended when this was made
     * @param stderrTail the last of the child's stderr, or empty if it was not kept
     * @param cause the child's exception (or its stand-in), or null
     */
    public ChildFailedException(String message, String remoteClassName, ExitStatus exitStatus,
                                String stderrTail, Throwable cause) {
        super(message, cause);
        this.remoteClassName = remoteClassName;
        this.stderrTail = stderrTail == null ? "" : stderrTail;
        switch (exitStatus) {
            case null -> {
                statusKind = 0;
                statusValue = 0;
                coreDumped = false;
            }
            case ExitStatus.Exited(int code) -> {
                statusKind = 'E';
                statusValue = code;
                coreDumped = false;
            }
            case ExitStatus.Signaled(Signal signal, boolean core) -> {
                statusKind = 'S';
                statusValue = signal.number();
                coreDumped = core;
            }
        }
    }

    /**
     * The fully qualified class name of the exception the task threw in the child, such as
     * {@code java.lang.IllegalStateException}; empty if the child ended without one.
     */
    public Optional<String> remoteClassName() {
        return Optional.ofNullable(remoteClassName);
    }

    /** How the child ended, or empty if it had not ended when the failure was reported. */
    public Optional<ExitStatus> exitStatus() {
        return switch (statusKind) {
            case 'E' -> Optional.of(ExitStatus.exited(statusValue));
            case 'S' -> Optional.of(ExitStatus.signaled(Signal.of(statusValue), coreDumped));
            default -> Optional.empty();
        };
    }

    /**
     * The last few KiB the child wrote to its stderr, when its stderr was this JVM's (the
     * default); empty otherwise.
     */
    public String stderrTail() {
        return stderrTail;
    }
}
