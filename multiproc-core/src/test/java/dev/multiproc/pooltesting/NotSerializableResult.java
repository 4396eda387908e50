package dev.multiproc.pooltesting;

/** A value that cannot travel back from a worker. */
public final class NotSerializableResult {
    private final Thread thread = Thread.currentThread();

    @Override
    public String toString() {
        return "NotSerializableResult[" + thread.getName() + "]";
    }
}
