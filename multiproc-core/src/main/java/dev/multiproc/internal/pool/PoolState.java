package dev.multiproc.internal.pool;

import java.util.concurrent.RejectedExecutionException;

/**
 * Where a pool is in its life, which only moves forward, and why it broke if it did. Under the
 * pool's lock.
 */
final class PoolState {
    /** The pool's life, in order. */
    enum Life {
        /** It takes tasks. */
        RUNNING,
        /** It takes no new tasks; the queued ones run. */
        SHUTDOWN,
        /** It takes no new tasks and runs none (shut down now, or broken); its workers are being killed. */
        STOPPED,
        /** Every worker has ended. */
        TERMINATED
    }

    private final String poolName;
    private Life life = Life.RUNNING;
    private RuntimeException broken;

    PoolState(String poolName) {
        this.poolName = poolName;
    }

    Life life() {
        return life;
    }

    boolean isRunning() {
        return life == Life.RUNNING;
    }

    /** True once stopped: no job is given to a worker any more. */
    boolean isStopped() {
        return life.compareTo(Life.STOPPED) >= 0;
    }

    /** Why the pool broke, or null. */
    RuntimeException broken() {
        return broken;
    }

    /**
     * True if the pool wants its number of workers: it runs, or it is shut down with work left
     * ({@code hasWork}), and it is not broken.
     */
    boolean wantsWorkers(boolean hasWork) {
        return broken == null && (life == Life.RUNNING || (life == Life.SHUTDOWN && hasWork));
    }

    /** Takes no new tasks. */
    void shutdown() {
        moveTo(Life.SHUTDOWN);
    }

    /** Takes no new tasks and runs none. */
    void stop() {
        moveTo(Life.STOPPED);
    }

    /** Breaks the pool with {@code why} (and stops it): true the first time only. */
    boolean breakWith(RuntimeException why) {
        if (broken != null) {
            return false;
        }
        broken = why;
        stop();
        return true;
    }

    void terminate() {
        moveTo(Life.TERMINATED);
    }

    private void moveTo(Life next) {
        if (life.compareTo(next) < 0) {
            life = next;
        }
    }

    /** @throws RejectedExecutionException unless the pool runs: it is shut down, or broken */
    void rejectUnlessRunning() {
        if (life != Life.RUNNING) {
            throw broken != null
                    ? new RejectedExecutionException(poolName + " is broken: " + broken.getMessage(), broken)
                    : new RejectedExecutionException(poolName + " is shut down: it takes no new tasks");
        }
    }
}
