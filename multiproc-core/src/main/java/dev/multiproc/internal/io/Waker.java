package dev.multiproc.internal.io;

import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks one thread until any of the fds it armed is ready (or closed), or a deadline passes.
 * Made by the thread that will wait; fired from the event loop.
 */
public final class Waker {
    /** A deadline that never comes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Thread owner = Thread.currentThread();
    private volatile boolean fired;

    /** Wakes the thread that made this waker; from any thread, any number of times. */
    public void fire() {
        fired = true;
        LockSupport.unpark(owner);
    }

    /**
     * Parks until fired or until {@code deadlineNanos} ({@link System#nanoTime} based, or
     * {@link #NO_DEADLINE}); true if fired. Clears the flag for the next round.
     *
     * @throws InterruptedIOException if the thread is interrupted while parked (its interrupt
     *     status stays set, as for an interrupted stream)
     */
    public boolean await(long deadlineNanos) throws InterruptedIOException {
        try {
            return awaitInterruptibly(deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a pipe");
        }
    }

    /**
     * As {@link #await}, for callers that declare {@link InterruptedException}: an interrupt
     * throws it and clears the thread's interrupt status, as {@link Object#wait} does.
     */
    public boolean awaitInterruptibly(long deadlineNanos) throws InterruptedException {
        while (!fired) {
            if (deadlineNanos == NO_DEADLINE) {
                LockSupport.park(this);
            } else {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        fired = false;
        return true;
    }
}
