package dev.multiproc.internal.wire;

import java.io.Serial;

/**
 * A stand-in for an exception thrown in a child JVM that could not be rebuilt here (its class
 * is missing, or it was not serializable): it prints as the original did, with the child's
 * class name, message and stack frames.
 */
public final class RemoteThrowable extends Throwable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String className;

    RemoteThrowable(String className, String message, StackTraceElement[] frames) {
        super(message);
        this.className = className;
        setStackTrace(frames);
    }

    /** The class of the exception in the child. */
    public String className() {
        return className;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the frames are the child's, set by the constructor
    }

    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? className : className + ": " + message;
    }
}
