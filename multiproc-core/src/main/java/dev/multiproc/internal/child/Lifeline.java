package dev.multiproc.internal.child;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * In the child: halts the JVM soon after its parent is gone.
 *
 * <h2>How the child knows</h2>
 * The parent passes its pid on the child's command line. A daemon thread reads the child's
 * parent pid from {@code /proc/self/stat} every {@link #POLL_MILLIS} ms: when the parent
 * process ends, however it ends (a return from {@code main}, {@code System.exit},
 * {@code Runtime.halt}, a crash, SIGKILL), the kernel re-parents the child to a subreaper or
 * to init at once, so the pid read differs from the one passed. Pid reuse cannot fool it: the
 * child's parent pid never becomes the reused pid of a stranger. So the child halts within
 * {@link #POLL_MILLIS} ms, well inside the one second promised.
 *
 * <h2>Why not end of file on the control pipe</h2>
 * It would be instant, but a thread blocked in {@code read(2)} is "in native", and HotSpot's
 * exit waits up to 300 ms for such threads: every child would take 300 ms to exit. Waking the
 * reader at exit needs an interruptible {@code FileChannel}, whose first use costs a fresh JVM
 * about 4 ms (it loads the NIO and network libraries), and still fails for a task that calls
 * {@code Runtime.halt}. A sleeping thread costs neither. (The control pipe's end of file
 * still stops a warm spare whose parent died before it got a task: the spare is reading it.)
 *
 * <h2>Why not PR_SET_PDEATHSIG</h2>
 * The death signal fires when the <em>thread</em> that spawned the child ends and needs native
 * code in the child to arm it after {@code exec}.
 *
 * <h2>Why halt</h2>
 * {@link Runtime#halt} skips shutdown hooks: a task whose parent is gone has nobody to report
 * to, and a hook that hangs must not keep an orphan alive. A child started with
 * {@code survivesParent(true)} has no lifeline thread; it runs on, as Python's children do.
 */
final class Lifeline implements Runnable {
    /** The exit code of a child halted because its parent is gone. */
    static final int EXIT_CODE = 1;
    /** How often the parent pid is read. */
    static final long POLL_MILLIS = 100;

    private final long parent;
    private final Runnable onPoll;

    private Lifeline(long parent, Runnable onPoll) {
        this.parent = parent;
        this.onPoll = onPoll;
    }

    /** Starts watching for the end of process {@code parent}, this JVM's parent. */
    static void start(long parent) {
        start(parent, null);
    }

    /**
     * Starts watching for the end of process {@code parent}; {@code onPoll} (if not null) runs
     * on the same thread at every poll, so that a pool's worker needs no other thread to look
     * at its channel while a job runs.
     */
    static void start(long parent, Runnable onPoll) {
        Thread t = new Thread(new Lifeline(parent, onPoll), "multiproc-lifeline");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        while (true) {
            long now = parentPid();
            if (now != -1 && now != parent) {
                Runtime.getRuntime().halt(SignalExit.haltStatus(EXIT_CODE));
            }
            if (onPoll != null) {
                onPoll.run();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                // nothing stops the lifeline
            }
        }
    }

    /** This process's parent pid, from {@code /proc/self/stat}; -1 if it cannot be read. */
    static long parentPid() {
        byte[] buffer = new byte[512];
        int n;
        try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
            n = in.read(buffer);
        } catch (IOException e) {
            return -1;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
        String stat = new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] fields = stat.substring(close + 2).split(" ", 3);
        try {
            return fields.length > 1 ? Long.parseLong(fields[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
