package dev.multiproc.internal.jvm;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * In the child: halts the JVM as soon as its parent is gone.
 *
 * <h2>How the child knows</h2>
 * The parent holds the only write end of the pipe the child reads at
 * {@link Protocol#TO_CHILD_FD}: it is close-on-exec in the parent, and every spawn closes the
 * descriptors it does not pass, so no other process has a copy. When the parent process ends,
 * however it ends (a return from {@code main}, {@code System.exit}, {@code Runtime.halt}, a
 * crash, SIGKILL), the kernel closes that end and a blocked {@code read} here returns end of
 * file at once. A daemon thread sits in that read for the child's whole life.
 *
 * <h2>Why not PR_SET_PDEATHSIG</h2>
 * The death signal fires when the <em>thread</em> that spawned the child ends, needs native
 * code in the child to arm it after {@code exec}, and cannot be undone for
 * {@code survivesParent}. The pipe needs nothing but {@code java.io}, and also tells a warm
 * spare whose parent died before it got a task to go away.
 *
 * <h2>Why halt</h2>
 * {@link Runtime#halt} skips shutdown hooks: a task whose parent is gone has nobody to report
 * to, and a hook that hangs must not keep an orphan alive. A child started with
 * {@code survivesParent(true)} has no lifeline thread; it runs on, as Python's children do.
 */
final class Lifeline implements Runnable {
    /** The exit code of a child halted because its parent is gone. */
    static final int EXIT_CODE = 1;

    private final DataInputStream in;

    private Lifeline(DataInputStream in) {
        this.in = in;
    }

    /** Starts the lifeline thread over the rest of the parent's stream. */
    static void start(DataInputStream in) {
        Thread t = new Thread(new Lifeline(in), "multiproc-lifeline");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            while (Protocol.read(in, Integer.MAX_VALUE) != null) {
                // No frame is defined after TASK yet; whatever comes is skipped.
            }
        } catch (IOException e) {
            // A broken stream means the same as end of file: the parent is gone.
        }
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
