package dev.multiproc.internal.io;

/**
 * What one wait over many objects ({@code Multiproc.waitReady}) needs from each of them: a look
 * that never blocks, and a way to be told that it may have become ready. A connection implements
 * it over its pipe, a queue over its shared word and notification fd, an event over its word, a
 * process over its exit. No thread is started for a wait: a watch is a callback run by whoever
 * makes the object ready (the event loop, a completing future, the thread that sets the event).
 */
public interface Readiness {
    /**
     * True if a wait for this object would end at once now: a message or end of file to read, a
     * message in the queue, the event set, the process ended; also true once the object is
     * closed, so that the caller's next call reports it. Never blocks.
     */
    boolean isReady();

    /**
     * Runs {@code wake} at least once when this object may have become ready, from any thread,
     * until the watch is cancelled: an early or spurious call is allowed (the waiter looks again
     * with {@link #isReady}), a missed one is not. {@code wake} must be quick and must not block;
     * it may run at once, on the calling thread. Must not block.
     */
    Watch watch(Runnable wake);

    /** A watch in place; cancelling it twice is harmless. */
    @FunctionalInterface
    interface Watch {
        /** Stops the calls of {@code wake}; one already under way may still end. */
        void cancel();
    }
}
