package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.FilterVerdict;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.TaskHeader;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.concurrent.Callable;

/**
 * The main class of a child JVM: reads one task from the control channel, runs it, sends back
 * its result or its failure, waits for the non-daemon threads the task started, and exits with
 * Python's codes (0 after a return, 1 after an exception, printed to stderr as the JVM prints an
 * uncaught one; a {@code System.exit(n)} in the task exits with n on its own). SIGTERM, SIGINT
 * and SIGHUP run the shutdown hooks and then end it by that signal ({@link SignalExit}).
 *
 * <p>It must start fast, so it loads little: {@code java.io}, serialization and nothing of the
 * library's engine or native layer, and no lambda of its own (its package uses only the wire:
 * see {@code docs/decisions.md}, "Packages"). It keeps its own references to
 * its standard streams ({@link ChildStdio}): the task may replace them. Arguments:
 * {@code --parent=PID} (for the {@link Lifeline}), then optionally {@code --spare}: warm the
 * serialization machinery, then wait for a task; or {@code --worker}: be a pool's worker,
 * running jobs until the parent closes the channel (see {@link WorkerLoop}). Alone,
 * {@code --train} runs one round trip in memory, to record an AOT cache, and exits.
 */
public final class ChildMain {
    private ChildMain() {}

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        String mode = args.length > 0 ? args[args.length - 1] : "";
        ChildStdio.capture();
        SignalExit.install();
        if (mode.equals("--train")) {
            Warmup.run();
            return;
        }
        FileInputStream fromParent;
        FileOutputStream toParent;
        try {
            fromParent = new FileInputStream("/proc/self/fd/" + Protocol.TO_CHILD_FD);
            toParent = new FileOutputStream("/proc/self/fd/" + Protocol.FROM_CHILD_FD);
        } catch (IOException e) {
            System.err.println("multiproc: " + ChildMain.class.getName()
                    + " runs tasks for a parent JVM and cannot be started by hand (" + e.getMessage() + ")");
            System.exit(2);
            return;
        }
        if (mode.equals("--worker")) {
            System.exit(WorkerLoop.run(fromParent, toParent, parent(args)));
        }
        if (mode.equals("--spare")) {
            Warmup.run();
        }
        int code = run(fromParent, parent(args), mode.equals("--spare"),
                new DataOutputStream(new BufferedOutputStream(toParent, 1 << 16)));
        NonDaemonThreads.awaitAllButCurrent(); // the answer went out when the task returned
        System.exit(code);
    }

    /** The parent's pid, from the {@code --parent=PID} argument, or -1. */
    private static long parent(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--parent=")) {
                return Long.parseLong(arg.substring(9));
            }
        }
        return -1;
    }

    private static int run(FileInputStream fromParent, long parent, boolean spare, DataOutputStream out) {
        TaskHeader.Parsed task;
        try {
            DataInputStream in = new DataInputStream(fromParent);
            Protocol.Frame frame = Protocol.read(in, Integer.MAX_VALUE);
            if (frame == null || frame.type() != Protocol.TASK) {
                return Lifeline.EXIT_CODE; // the parent went away before sending a task
            }
            task = TaskHeader.parse(frame.payload());
        } catch (IOException e) {
            return Lifeline.EXIT_CODE;
        }
        if (!task.header().survivesParent() && parent > 0) {
            Lifeline.start(parent);
        }
        Thread.currentThread().setName(task.header().name()); // Python's current_process().name
        SerialLimits limits = task.header().filter().isEmpty()
                ? SerialLimits.defaults() : SerialLimits.parse(task.header().filter());
        Callable<?> callable;
        try {
            byte[] bytes = task.task();
            // a cold child inherited its fds; a spare, started before the task, receives them
            int[] fds = spare && task.header().carried() > 0
                    ? FdReceiver.receive(task.header().carried()) : task.header().carriedFds();
            callable = (Callable<?>) FdSlots.receiving(fds,
                    () -> Serial.deserialize(bytes, 0, bytes.length, limits, null));
        } catch (Exception | LinkageError e) {
            Throwable why = FilterVerdict.isRejection(e)
                    ? FilterVerdict.rejection(task.task(), 0, task.task().length, limits, null, e) : e;
            return fail(out, task.header().key(), RemoteFailure.Kind.TASK_NOT_LOADED, why);
        }
        Object value;
        try {
            value = callable.call();
        } catch (Throwable t) {
            return fail(out, task.header().key(), RemoteFailure.Kind.TASK_THREW, t);
        }
        Serial.Bytes bytes;
        try {
            bytes = Serial.serialize(value, "result");
        } catch (Serial.NotSerializable e) {
            NotSerializableException why = new NotSerializableException(e.getMessage());
            why.initCause(e.getCause());
            return fail(out, task.header().key(), RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, why);
        }
        send(out, task.header().key(), Protocol.RESULT, bytes.bytes(), bytes.length());
        return 0;
    }

    /** Prints {@code t} as an uncaught exception (Python prints the traceback), then sends it back. */
    private static int fail(DataOutputStream out, int key, RemoteFailure.Kind kind, Throwable t) {
        ChildStdio.printUncaught(Thread.currentThread().getName(), t);
        byte[] payload = RemoteFailure.encode(kind, t);
        send(out, key, Protocol.FAILURE, payload, payload.length);
        return 1;
    }

    private static void send(DataOutputStream out, int key, byte type, byte[] payload, int length) {
        ChildStdio.flush();
        try {
            Protocol.writeReply(out, type, key, payload, length);
        } catch (IOException e) {
            // The parent is gone (a child that survives its parent): nobody to tell.
        }
    }
}
