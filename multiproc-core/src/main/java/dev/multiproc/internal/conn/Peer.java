package dev.multiproc.internal.conn;

import dev.multiproc.ConnectionClosedException;
import dev.multiproc.ExitStatus;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Who holds the other end of a connection, when this JVM knows: the child it was handed to. When
 * the other end goes away, the report carries that child's exit status.
 *
 * <h2>Waiting for the status</h2>
 * A process's fds are closed as it dies, a moment before it becomes a zombie and the event loop
 * reaps it: end of file can come before the status exists. So the report waits for the status up
 * to {@link #EXIT_WAIT_MILLIS}, once; a peer that only closed its end and goes on running costs
 * that wait, and is reported without a status.
 */
final class Peer {
    /** How long a report waits for the exit status of a child whose end went away. */
    static final long EXIT_WAIT_MILLIS = 250;

    private volatile long pid = -1;
    private volatile Child child;

    /** The other end is in process {@code pid}, a child of this JVM if the engine tracks it. */
    void is(long pid) {
        this.pid = pid;
        this.child = Engine.get().liveChildren().stream().filter(c -> c.pid() == pid).findFirst().orElse(null);
    }

    /**
     * The exception for an other end that is gone (end of file, or a broken pipe), with
     * {@code detail} about a message it cut short (or null).
     */
    ConnectionClosedException closed(String detail) {
        long p = pid;
        ExitStatus status = status();
        StringBuilder text = new StringBuilder("the other end of the connection was closed");
        if (p > 0) {
            text.append(status == null ? " by process " + p : ": process " + p + " ended (" + status + ")");
        }
        if (detail != null) {
            text.append("; ").append(detail);
        }
        return new ConnectionClosedException(text.toString(), status);
    }

    private ExitStatus status() {
        Child c = child;
        if (c == null) {
            return null;
        }
        try {
            return c.exit().get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return c.exit().getNow(null);
        }
    }
}
