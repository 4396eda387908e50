package dev.multiproc.internal.jvm;

import dev.multiproc.ChildFailedException;
import dev.multiproc.ExitStatus;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ExitPolicy;
import dev.multiproc.internal.engine.ExitStages;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.FilterVerdict;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.TaskHeader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One task running in one child JVM, from this JVM's side: starts it (on a warm spare when
 * one matches) and turns the child's reply and exit status into a value or an exception.
 */
public final class TaskRun {
    /** How long to wait for the reply after the child ended: its last bytes may still be in the pipe. */
    private static final long REPLY_AFTER_EXIT_MILLIS = 2000;
    /** How long to wait for the end of stderr after the child ended (a grandchild may hold it). */
    private static final long STDERR_AFTER_EXIT_MILLIS = 300;

    private final ChildJvm jvm;
    private final JvmConfig config;
    private final ClassLoader loader;
    private boolean decided;
    private Object value;
    private RuntimeException failure;

    private TaskRun(ChildJvm jvm, JvmConfig config, ClassLoader loader) {
        this.jvm = jvm;
        this.config = config;
        this.loader = loader;
    }

    /**
     * Serializes {@code task} and starts it in a child JVM.
     *
     * @throws IllegalArgumentException if the task cannot be serialized (the message names the
     *     class and the way to it); no child is started then
     * @throws dev.multiproc.ProcessStartException if the child cannot be started
     * @throws dev.multiproc.MultiprocException if this JVM is out of file descriptors (see {@link FirstStart})
     */
    public static TaskRun start(Object task, JvmConfig config) {
        FirstStart.prepare(); // before serialization initializes java.security.Security
        byte[] payload;
        int key = java.util.concurrent.ThreadLocalRandom.current().nextInt();
        FdSlots.Collected<Serial.Bytes> serialized = serialize(task);
        List<Integer> carried = serialized.fds();
        Serial.Bytes bytes = serialized.value();
        payload = new TaskHeader(config.name(), config.survivesParent(), config.limits().pattern(), key, carried.size())
                .frame(Arrays.copyOf(bytes.bytes(), bytes.length()));
        LaunchSpec spec = LaunchSpec.of(config);
        // A spare started before the task cannot inherit the fds the task carries: they are sent to it.
        ChildJvm jvm = config.warmSpare() ? WarmSpare.take(spec) : null;
        if (jvm != null && !carried.isEmpty() && !jvm.sendFds(carried)) {
            jvm.child().signal(dev.multiproc.Signal.SIGKILL); // its socket is out of step: no use for it
            jvm = null;
        }
        if (jvm == null) {
            jvm = ChildJvm.spawn(spec, null, config.name(), config.daemon(), carried);
        }
        serialized.handOverDone(jvm.child().pid());
        ExitPolicy.track(jvm.child(), config.daemon(), config.signalGrace());
        jvm.submit(payload, key, config.limits().maxBytes());
        if (config.warmSpare()) {
            WarmSpare.replenishAfter(jvm, spec);
        }
        return new TaskRun(jvm, config, task.getClass().getClassLoader());
    }

    /** The task's bytes, and the fds its handles carry (see {@link FdSlots}). */
    private static FdSlots.Collected<Serial.Bytes> serialize(Object task) {
        try {
            return FdSlots.collecting(() -> Serial.serialize(task, "task"));
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the task cannot be sent to a child JVM: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("serializing the task failed: " + e, e);
        }
    }

    /** The process. */
    public Child child() {
        return jvm.child();
    }

    /** The read end of the child's stdout pipe, or null if stdout is not a pipe. */
    public PipeInputStream stdout() {
        return jvm.stdout();
    }

    /** The read end of the child's stderr pipe, or null if stderr is not a pipe. */
    public PipeInputStream stderr() {
        return jvm.stderr();
    }

    /**
     * Waits for the child to end and returns the task's value.
     *
     * @throws ChildFailedException if the task threw, the child ended without a result, or the
     *     result cannot be deserialized in this JVM (whatever its deserialization threw is the cause)
     */
    public synchronized Object result() throws InterruptedException {
        if (!decided) {
            ExitStatus status = exitStatus();
            decide(status, reply());
            decided = true;
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    private ExitStatus exitStatus() throws InterruptedException {
        return ExitStages.await(jvm.child().exit(), jvm.child().pid());
    }

    private Reply reply() throws InterruptedException {
        try {
            return jvm.reply().get(REPLY_AFTER_EXIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Reply.None("no answer on the control channel");
        } catch (ExecutionException e) {
            return new Reply.None(String.valueOf(e.getCause()));
        }
    }

    /**
     * Turns the reply into the value or the failure. Nothing the child sends may escape as
     * anything else: a result whose deserialization throws an {@code Error} (an
     * {@code AssertionError} from a {@code readObject}, an {@code OutOfMemoryError}) becomes a
     * {@link ChildFailedException} carrying it, so that every call of {@link #result()} ends.
     */
    private void decide(ExitStatus status, Reply reply) {
        String who = "child JVM " + jvm.child().pid() + " (" + config.name() + ")";
        switch (reply) {
            case Reply.Result(byte[] bytes) -> {
                try {
                    value = Serial.deserialize(bytes, 0, bytes.length, config.limits(), loader);
                } catch (Throwable thrown) {
                    value = null;
                    // An Error thrown while reading comes wrapped as Serial.Unreadable: report the error itself.
                    Throwable e = thrown instanceof Serial.Unreadable u ? u.getCause() : thrown;
                    String why = FilterVerdict.isRejection(e)
                            ? FilterVerdict.explain(bytes, 0, bytes.length, config.limits(), loader) : e.toString();
                    failure = new ChildFailedException("the result of " + who
                            + " cannot be deserialized in this JVM: " + why, null, status,
                            jvm.stderrTail(STDERR_AFTER_EXIT_MILLIS), e);
                }
            }
            case Reply.Failure(RemoteFailure f) -> {
                String what = switch (f.kind()) {
                    case TASK_THREW -> "the task failed in " + who + ": ";
                    case TASK_NOT_LOADED -> FilterVerdict.isRejection(f) ? who + " cannot load the task: "
                            : who + " cannot load the task (is its class on the child's class path?): ";
                    case RESULT_NOT_SERIALIZABLE -> "the result of the task in " + who + " cannot be sent back: ";
                };
                String remote = FilterVerdict.isRejection(f) ? f.message()
                        : f.message() == null ? f.className() : f.className() + ": " + f.message();
                String tail = jvm.stderrTail(STDERR_AFTER_EXIT_MILLIS);
                failure = new ChildFailedException(what + remote, f.className(), status, tail, cause(f));
            }
            case Reply.None(String problem) -> {
                String tail = jvm.stderrTail(STDERR_AFTER_EXIT_MILLIS);
                failure = new ChildFailedException(who + " ended without a result (" + status + ")"
                        + (problem == null ? "" : ": " + problem)
                        + (tail.isBlank() ? "" : "; the end of its stderr:\n" + tail.stripTrailing()),
                        null, status, tail, null);
            }
        }
    }

    /**
     * The child's exception as this JVM can best show it. If rebuilding the real one throws
     * anything, even an {@code Error} from its {@code readObject}, the stand-in with the child's
     * class names, messages and frames is used, with that throwable attached as suppressed.
     */
    private Throwable cause(RemoteFailure f) {
        try {
            return f.toThrowable(config.limits(), loader);
        } catch (Throwable e) {
            Throwable standIn = new RemoteFailure(f.kind(), f.chain(), new byte[0]).toThrowable(config.limits(), loader);
            standIn.addSuppressed(e);
            return standIn;
        }
    }
}
