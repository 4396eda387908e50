package dev.multiproc.pooltesting;

import java.io.Serial;

/** An exception whose field cannot be serialized: it comes back as a stand-in. */
public final class UnsendableException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial")
    private final Object lock = new Object();

    public UnsendableException(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return super.toString() + " (" + lock.getClass().getSimpleName() + ")";
    }
}
