package dev.multiproc.pooltesting;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;

/** A value that travels from a worker but cannot be read here: its {@code readObject} throws an {@link AssertionError}. */
public final class ThrowsWhenRead implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        throw new AssertionError("ThrowsWhenRead is never read");
    }
}
