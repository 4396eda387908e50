package dev.multiproc.hazelcast;

import dev.multiproc.MultiprocException;
import java.io.Serial;

/**
 * A member refused a task because its signature is missing or is not the member's cluster key's
 * (the client and the member were given different keys), or a client refused an answer for the
 * same reason. Nothing ran. The message names the member and where this side's key came from
 * (never the key).
 */
public class ClusterKeyException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A refusal.
     *
     * @param message what was refused, by whom, and why
     */
    public ClusterKeyException(String message) {
        super(message);
    }
}
