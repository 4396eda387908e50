package dev.multiproc.internal.child;

import java.io.PrintStream;

/**
 * A child JVM's standard streams as they were when it started. A task may replace
 * {@code System.out} and {@code System.err}, with a stream of its own or even with null; the
 * library's code in the child flushes and prints through the references taken here, and
 * touches the task's streams only to flush them, never depending on what they are.
 */
final class ChildStdio {
    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    private ChildStdio() {}

    /** Takes the references; call it before the task runs. */
    static void capture() {
        // loading the class took them
    }

    /**
     * Flushes what the task printed, so that it is out before the answer: the streams
     * {@code System.out} and {@code System.err} are now, if any, then the child's own.
     */
    static void flush() {
        flush(System.out);
        flush(System.err);
        flush(OUT);
        flush(ERR);
    }

    private static void flush(PrintStream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.flush();
        } catch (Throwable t) {
            // a stream of the task's that fails: the answer must still go out
        }
    }

    /**
     * Prints {@code t} as the JVM prints an exception no one caught ({@code Exception in thread
     * "name" ...} and the stack trace), to {@code System.err} as the task left it, or to the
     * child's own stderr if the task set it to null or printing there fails.
     */
    static void printUncaught(String threadName, Throwable t) {
        PrintStream err = System.err;
        if (err != null && print(err, threadName, t)) {
            return;
        }
        print(ERR, threadName, t);
    }

    private static boolean print(PrintStream err, String threadName, Throwable t) {
        try {
            err.print("Exception in thread \"" + threadName + "\" ");
            t.printStackTrace(err);
            err.flush();
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The child's own stderr, whatever {@code System.err} is now. */
    static PrintStream err() {
        return ERR;
    }
}
