package dev.multiproc.internal.jvm;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

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
 * <h2>Leaving the read at exit</h2>
 * HotSpot's exit waits up to 300 ms for threads that are in native code, and a thread blocked
 * in {@code read(2)} is. So the thread reads through a {@link FileChannel}, and a shutdown
 * hook closes the channel, which signals the blocked thread out of its read: a child that
 * exits on its own exits at once.
 *
 * <h2>Why halt</h2>
 * {@link Runtime#halt} skips shutdown hooks: a task whose parent is gone has nobody to report
 * to, and a hook that hangs must not keep an orphan alive. A child started with
 * {@code survivesParent(true)} has no lifeline thread; it runs on, as Python's children do.
 */
final class Lifeline implements Runnable {
    /** The exit code of a child halted because its parent is gone. */
    static final int EXIT_CODE = 1;

    private final FileChannel channel;
    private volatile boolean exiting;

    private Lifeline(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * A lifeline over the parent's stream, with the shutdown hook that releases it when the
     * child exits on its own; made before the task arrives, so that a warm spare has it ready.
     */
    static Lifeline prepare(FileInputStream fromParent) {
        Lifeline lifeline = new Lifeline(fromParent.getChannel());
        Runtime.getRuntime().addShutdownHook(new Thread(lifeline.new Release(), "multiproc-lifeline-release"));
        return lifeline;
    }

    /** Starts watching the rest of the parent's stream, once the task frame has been read. */
    void start() {
        Thread t = new Thread(this, "multiproc-lifeline");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                // No frame is defined after TASK yet; whatever comes is skipped.
            }
        } catch (IOException e) {
            // A broken or closed channel: the parent is gone, or we are exiting.
        }
        if (!exiting) {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    /**
     * Wakes the lifeline thread out of its read, so that the JVM's exit does not wait for it. A
     * class rather than a lambda: the bootstrap spins no lambda classes of its own.
     */
    private final class Release implements Runnable {
        @Override
        public void run() {
            exiting = true;
            try {
                channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
