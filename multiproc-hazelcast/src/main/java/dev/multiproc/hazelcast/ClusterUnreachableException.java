package dev.multiproc.hazelcast;

import dev.multiproc.MultiprocException;
import java.io.Serial;

/**
 * A {@link ClusterPool} could not connect to any member at the addresses it was given within
 * its connect timeout; nothing was left running. The message names the addresses and the
 * cluster name.
 */
public class ClusterUnreachableException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A cluster that could not be reached.
     *
     * @param message which addresses were tried, for how long
     * @param cause what Hazelcast reported
     */
    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
