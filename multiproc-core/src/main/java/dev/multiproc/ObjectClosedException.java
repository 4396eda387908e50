package dev.multiproc;

import java.io.Serial;

/**
 * A shared object ({@link SharedMemory}, a shared array, {@link ProcessLock},
 * {@link ProcessSemaphore}, {@link ProcessEvent}, {@link ProcessCondition},
 * {@link ProcessBarrier}) used in a process after that process closed it. Closing is a
 * process's own: other processes that hold the object go on using it until they close it too.
 * A thread asleep on the object when its process closes it wakes with this exception.
 */
public final class ObjectClosedException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Made by multiproc; {@code what} names the object, as its {@code toString()} does. */
    public ObjectClosedException(String what) {
        super(what + " was closed in this process (pid " + ProcessHandle.current().pid() + ")");
    }
}
