package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.FdSlots;
import java.util.List;

/**
 * The fds a job's object carries (a task, or a map's function, that captures a shared array, a
 * lock, a pipe's end: see {@link FdSlots}), held by the pool until the job is decided.
 *
 * <h2>Held until decided, as copies</h2>
 * A job may be sent to a worker, taken back and sent to another, or retried on a replacement
 * after its worker died: its fds must be at hand until it is decided. The pool holds its own
 * copies ({@code F_DUPFD_CLOEXEC}, made when the task is submitted), so that a handle the caller
 * closes meanwhile cannot turn the number into another file's before it is sent: a worker never
 * gets a wrong fd. Once the job is decided ({@link #release}), the copies are closed and the
 * handles' hand-over actions run (a pipe's end that belongs to the child only is closed here,
 * so that end of file comes when it should); once, whoever decides.
 *
 * <p>Sending is the {@link Outbox}'s, under the pool's lock; releasing too.
 */
public final class Carried {
    private final int[] fds;
    private final FdSlots.Collected<?> collected;
    private boolean released;

    private Carried(int[] fds, FdSlots.Collected<?> collected) {
        this.fds = fds;
        this.collected = collected;
    }

    /**
     * Holds copies of the fds {@code collected} names, or returns null if it names none.
     *
     * @throws MultiprocException if this JVM is out of fds (EMFILE): nothing is left open, and
     *     the hand-over actions do not run (nothing was sent)
     */
    static Carried of(FdSlots.Collected<?> collected, String what) {
        List<Integer> names = collected.fds();
        if (names.isEmpty()) {
            return null;
        }
        int[] copies = new int[names.size()];
        int made = 0;
        try {
            for (; made < copies.length; made++) {
                copies[made] = Fds.fcntl(names.get(made), Fds.F_DUPFD_CLOEXEC, 0);
            }
        } catch (ErrnoException e) {
            for (int i = 0; i < made; i++) {
                Fds.closeQuietly(copies[i]);
            }
            throw new MultiprocException("cannot hold the " + copies.length + " file descriptors " + what
                    + " carries until it runs: " + e.getMessage(), e);
        }
        return new Carried(copies, collected);
    }

    /** The copies, in slot order; not to be changed. */
    int[] fds() {
        return fds;
    }

    /** How many. */
    int count() {
        return fds.length;
    }

    /**
     * The job was refused (the pool is shut down): closes the copies only; the handles stay the
     * caller's, as nothing was handed over.
     */
    void discard() {
        if (released) {
            return;
        }
        released = true;
        for (int fd : fds) {
            Fds.closeQuietly(fd);
        }
    }

    /**
     * The job is decided: closes the copies and runs the hand-over actions, the first time only,
     * telling them the pid of the worker that last had the fds ({@code FdSlots.UNKNOWN_RECEIVER}
     * if none did).
     */
    void release(long receiverPid) {
        if (released) {
            return;
        }
        released = true;
        for (int fd : fds) {
            Fds.closeQuietly(fd);
        }
        collected.handOverDone(receiverPid);
    }
}
