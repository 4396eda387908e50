package dev.multiproc;

import java.io.Serial;

/**
 * {@link ProcessQueue#join()} can never return: a process that took messages from the queue ended
 * (or closed the queue) before it marked them done with {@link ProcessQueue#taskDone()}, so the
 * count of unfinished messages can never reach zero. Python's {@code JoinableQueue.join()} waits
 * for ever in that case.
 */
public final class ConsumerDiedException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long pid;
    private final int lost;

    /** Made by multiproc: process {@code pid} ended holding {@code lost} messages not done, {@code unfinished} in all. */
    public ConsumerDiedException(long pid, int lost, int unfinished) {
        super("process " + pid + " ended (or closed the queue) after it took " + lost + " message"
                + (lost == 1 ? "" : "s") + " it never marked done: join() can never return (" + unfinished
                + " unfinished)");
        this.pid = pid;
        this.lost = lost;
    }

    /** The process that ended (the first, if several did). */
    public long pid() {
        return pid;
    }

    /** How many messages the consumers that ended took and never marked done. */
    public int lostTasks() {
        return lost;
    }
}
