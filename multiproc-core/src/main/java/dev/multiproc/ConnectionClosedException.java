package dev.multiproc;

import java.io.Serial;
import java.util.Optional;

/**
 * A {@link Connection} can carry no more messages: its other end was closed or its process
 * ended (then {@link #peerStatus()} says how, where that process is a child of this JVM), or this
 * end was closed, or handed to another process with a task. A message the peer's death cut short
 * is dropped, and the message says how much of it had arrived.
 */
public class ConnectionClosedException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExitStatus peerStatus;

    /**
     * An exception with a message for people and the exit status of the process that held the
     * other end, or null if it is not known (it is not a child of this JVM, or it still runs).
     */
    public ConnectionClosedException(String message, ExitStatus peerStatus) {
        super(message);
        this.peerStatus = peerStatus;
    }

    /**
     * How the process that held the other end ended, if it is a child of this JVM (a
     * {@link JvmProcess} the end was handed to) and it has ended; empty otherwise (the other end
     * was closed by a process that still runs, or by one that is not this JVM's child, or this
     * end was closed here).
     */
    public Optional<ExitStatus> peerStatus() {
        return Optional.ofNullable(peerStatus);
    }
}
