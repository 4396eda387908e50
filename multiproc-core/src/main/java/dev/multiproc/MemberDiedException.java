package dev.multiproc;

import java.io.Serial;

/**
 * The cluster member that ran this task left the cluster while the task ran (its process was
 * killed, its machine or network went away), so whether the task finished is unknown. The task
 * is not run again: only the tasks that were running on that member fail with this, and the
 * tasks not yet sent to it go to the other members. {@link #member()} names the member.
 */
public class MemberDiedException extends WorkerDiedException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String member;

    /**
     * A member's death under a running task.
     *
     * @param message what happened, for people
     * @param member the member, as its address and id
     * @param cause what the cluster reported, or null
     */
    public MemberDiedException(String message, String member, Throwable cause) {
        super(message, -1, null, "", cause);
        this.member = member;
    }

    /** The member that left, as its address and id ({@code 127.0.0.1:5701 (uuid)}). */
    public String member() {
        return member;
    }
}
