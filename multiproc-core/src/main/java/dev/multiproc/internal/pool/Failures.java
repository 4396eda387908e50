package dev.multiproc.internal.pool;

import dev.multiproc.ExitStatus;
import dev.multiproc.WorkerDiedException;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.SerialLimits;
import java.io.IOException;

/** The exceptions a pool reports for its workers' deaths, with messages a person can act on. */
final class Failures {
    private Failures() {}

    /** {@code w} ended while it ran a job. */
    static WorkerDiedException died(String pool, Worker w, ExitStatus status, String tail) {
        String why = w.killedFor() != null
                ? "was killed by the pool (another job's deadline or cancel) while running the task"
                : "died while running the task";
        return new WorkerDiedException(w + " of " + pool + " " + why + " (" + status + ")" + stderr(tail),
                w.pid, status, tail, null);
    }

    /** {@code w}'s channel was corrupted ({@code why}) while it ran a job; it was killed. */
    static WorkerDiedException corrupted(String pool, Worker w, String why, ExitStatus status, String tail) {
        return new WorkerDiedException(w + " of " + pool + " was killed because its channel to the pool was corrupted"
                + " while it ran the task (" + why + "; a task may have written to the worker's fd 4)"
                + " (" + status + ")" + stderr(tail), w.pid, status, tail, null);
    }

    /** {@code w} ended before it was ready, with a failure that would repeat. */
    static WorkerDiedException couldNotStart(String pool, Worker w, ExitStatus status, String tail) {
        return new WorkerDiedException(w + " of " + pool + " could not start (" + status + ")" + stderr(tail)
                + "; the pool is broken", w.pid, status, tail, null);
    }

    /** {@code w}'s channel was corrupted ({@code why}) before it was ready: by its initializer, which would do it again. */
    static WorkerDiedException corruptedAtStart(String pool, Worker w, String why, ExitStatus status, String tail) {
        return new WorkerDiedException(w + " of " + pool + " could not start: its channel to the pool was corrupted ("
                + why + "; the initializer may have written to the worker's fd 4) (" + status + ")" + stderr(tail)
                + "; the pool is broken", w.pid, status, tail, null);
    }

    /** Why {@code w} did not start, in one line, for a start that may pass next time. */
    static String describeStart(Worker w, ExitStatus status, String tail) {
        String last = tail.isBlank() ? "" : ": " + tail.strip().lines().reduce((a, b) -> b).orElse("");
        return w + " ended before it was ready (" + status + ")" + last;
    }

    /** A worker could not be spawned, for a reason that would repeat. */
    static WorkerDiedException cannotSpawn(String pool, Throwable e) {
        return new WorkerDiedException("cannot start a worker for " + pool + ": " + e.getMessage()
                + "; the pool is broken", -1, null, "", e);
    }

    /** The initializer threw in {@code w}; {@code payload} is its INIT_FAILED frame's. */
    static WorkerDiedException initializerFailed(String pool, Worker w, byte[] payload, SerialLimits limits) {
        Throwable cause;
        String what;
        try {
            RemoteFailure f = RemoteFailure.decode(payload);
            cause = f.toThrowable(limits, null);
            what = f.message() == null ? f.className() : f.className() + ": " + f.message();
        } catch (IOException e) {
            cause = e;
            what = "(its failure could not be read: " + e.getMessage() + ")";
        }
        return new WorkerDiedException("the initializer of " + pool + " failed in " + w + ": " + what
                + "; the pool is broken", w.pid, null, "", cause);
    }

    private static String stderr(String tail) {
        return tail.isBlank() ? "" : "; the end of its stderr:\n" + tail.stripTrailing();
    }
}
