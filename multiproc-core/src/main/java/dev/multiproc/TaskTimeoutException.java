package dev.multiproc;

import java.io.Serial;
import java.time.Duration;

/**
 * A task of a {@link ProcessPool} ran longer than the pool's
 * {@link ProcessPool.Builder#taskTimeout task timeout}: its worker JVM was killed (a thread
 * cannot be stopped safely, a process can) and replaced, and the tasks queued behind it went
 * to other workers.
 */
public final class TaskTimeoutException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Duration timeout;
    private final long workerPid;

    /**
     * A task over its deadline.
     *
     * @param message what happened, for people
     * @param timeout the timeout that passed
     * @param workerPid the process id of the worker that ran it
     */
    public TaskTimeoutException(String message, Duration timeout, long workerPid) {
        super(message);
        this.timeout = timeout;
        this.workerPid = workerPid;
    }

    /** The timeout that passed. */
    public Duration timeout() {
        return timeout;
    }

    /** The process id of the worker that ran the task, and was killed for it. */
    public long workerPid() {
        return workerPid;
    }
}
