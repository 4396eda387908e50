package dev.multiproc.internal.jvm;

import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import dev.multiproc.internal.io.Stdio;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A child JVM as this JVM holds it: the process, this JVM's ends of its control channel, and
 * its stderr tail. One virtual thread per child sends the task and reads the reply; it is
 * parked on the event loop while it waits, so children cost no platform threads.
 */
public final class ChildJvm {
    private final Child child;
    private final LaunchSpec spec;
    private final Fd control;
    private final PipeInputStream replies;
    private final StderrTail tail;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final CompletableFuture<Reply> reply = new CompletableFuture<>();

    private ChildJvm(Child child, LaunchSpec spec, Fd control, PipeInputStream replies, StderrTail tail,
                     PipeInputStream stdout, PipeInputStream stderr) {
        this.child = child;
        this.spec = spec;
        this.control = control;
        this.replies = replies;
        this.tail = tail;
        this.stdout = stdout;
        this.stderr = stderr;
        // The control pipe stays open while the child lives: its end of file is the lifeline.
        child.exit().whenComplete((status, e) -> closeQuietly(control));
    }

    /**
     * Spawns a child JVM as {@code spec} says, with {@code mode} ({@code --spare}) or none.
     *
     * @throws ProcessStartException if the directory is missing, {@code java} cannot be run or
     *     a redirect file cannot be opened; nothing is left behind
     * @throws IOException if the system refuses (out of fds or processes)
     */
    static ChildJvm spawn(LaunchSpec spec, String mode, String name, boolean daemon) throws IOException {
        if (spec.directory() != null && !Files.isDirectory(Path.of(spec.directory()))) {
            throw new ProcessStartException("Cannot start a child JVM in directory \"" + spec.directory()
                    + "\": it " + (Files.exists(Path.of(spec.directory())) ? "is not a directory" : "does not exist"),
                    spec.argv().getFirst(), "ENOENT", null);
        }
        Engine engine = Engine.get();
        int[] toChild = Fds.pipe2(Fds.O_CLOEXEC);
        int[] fromChild;
        try {
            fromChild = Fds.pipe2(Fds.O_CLOEXEC);
        } catch (ErrnoException e) {
            Fds.closeQuietly(toChild[0]);
            Fds.closeQuietly(toChild[1]);
            throw e;
        }
        // stdin is /dev/null, as in Python's multiprocessing; an inherited stderr whose tail is
        // kept goes through a pipe that StderrTail copies to this JVM's stderr.
        Stdio stdio;
        try {
            stdio = Stdio.open(Redirect.DISCARD, spec.stdout(), spec.tailStderr() ? Redirect.PIPE : spec.stderr(),
                    spec.argv().getFirst(), engine, -1, -1);
        } catch (IOException | RuntimeException e) {
            closeAll(toChild, fromChild);
            throw e;
        }
        List<String> argv = new ArrayList<>(spec.argv());
        if (mode != null) {
            argv.add(mode);
        }
        SpawnPlan plan = new SpawnPlan(argv, spec.environment(), spec.directory(), stdio.childFds(),
                List.of(new SpawnPlan.FdMapping(toChild[0], Protocol.TO_CHILD_FD),
                        new SpawnPlan.FdMapping(fromChild[1], Protocol.FROM_CHILD_FD)),
                false, false, Child.Kind.JVM, name, daemon, false);
        Child child;
        try (stdio) {
            child = engine.spawn(plan);
        } catch (ErrnoException e) {
            stdio.closeParentEnds();
            closeAll(toChild, fromChild);
            throw new ProcessStartException("Cannot start a child JVM: cannot run \"" + spec.argv().getFirst()
                    + "\": " + e.errnoName() + " (" + e.reason() + ")", spec.argv().getFirst(), e.errnoName(), e);
        }
        Fds.closeQuietly(toChild[0]);
        Fds.closeQuietly(fromChild[1]);
        try {
            Fds.setNonBlocking(toChild[1]);
            Fds.setNonBlocking(fromChild[0]);
            PipeInputStream err = stdio.outputPipe(2, engine);
            StderrTail tail = spec.tailStderr() ? StderrTail.start(err, child.pid()) : null;
            return new ChildJvm(child, spec, new Fd(toChild[1], engine.loop()),
                    new PipeInputStream(new Fd(fromChild[0], engine.loop()), engine.reclaimer()), tail,
                    stdio.outputPipe(1, engine), spec.tailStderr() ? null : err);
        } catch (IOException | RuntimeException | Error e) {
            // No thread for its stderr (this JVM is short of threads), say: leave no child behind.
            child.signal(dev.multiproc.Signal.SIGKILL);
            Fds.closeQuietly(toChild[1]);
            Fds.closeQuietly(fromChild[0]);
            stdio.closeParentEnds();
            throw e;
        }
    }

    /**
     * Sends the task frame and reads the reply; the reply completes {@link #reply()}. What of
     * the frame fits in the pipe is written before this returns (all of it, for tasks up to the
     * pipe's 64 KiB), as Python's {@code start()} hands over the task before it returns: a parent
     * that dies right after {@code start()} still leaves a child that survives it its task. The
     * rest is written, and the reply read, by a virtual thread. A reply frame longer than
     * {@code maxReplyBytes} is refused.
     */
    void submit(byte[] taskPayload, int key, long maxReplyBytes) {
        byte[] frame = new byte[5 + taskPayload.length];
        frame[0] = Protocol.TASK;
        int n = taskPayload.length;
        frame[1] = (byte) (n >>> 24);
        frame[2] = (byte) (n >>> 16);
        frame[3] = (byte) (n >>> 8);
        frame[4] = (byte) n;
        System.arraycopy(taskPayload, 0, frame, 5, n);
        int written = 0;
        try {
            long w = control.write(MemorySegment.ofArray(frame));
            written = w > 0 ? (int) w : 0;
        } catch (IOException e) {
            written = frame.length; // the child is gone already; the reply says so
        }
        int offset = written;
        Thread.ofVirtual().name("multiproc-jvm-" + child.pid()).start(() -> {
            if (offset < frame.length) {
                try {
                    control.writeFully(frame, offset, frame.length - offset);
                } catch (IOException e) {
                    // The child is gone already; the reply says so.
                }
            }
            reply.complete(read(key, maxReplyBytes));
        });
    }

    private Reply read(int key, long maxReplyBytes) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(replies, 1 << 16))) {
            Protocol.Frame frame = Protocol.readReply(in, key, maxReplyBytes);
            if (frame == null) {
                return new Reply.None(null);
            }
            return switch (frame.type()) {
                case Protocol.RESULT -> new Reply.Result(frame.payload());
                case Protocol.FAILURE -> new Reply.Failure(RemoteFailure.decode(frame.payload()));
                default -> new Reply.None("unknown frame type " + frame.type());
            };
        } catch (Protocol.CorruptFrameException e) {
            child.signal(dev.multiproc.Signal.SIGKILL); // what it sends after this cannot be trusted
            return new Reply.None(e.getMessage());
        } catch (IOException e) {
            return new Reply.None(e.getMessage());
        } catch (Throwable t) {
            // Whatever the child sent, the reply completes: an oversized frame or a malformed
            // failure must not leave result() waiting on a future nobody will complete.
            return new Reply.None("its answer could not be read: " + t);
        }
    }

    /** The process. */
    public Child child() {
        return child;
    }

    LaunchSpec spec() {
        return spec;
    }

    /** This JVM's end of the channel to the child (non-blocking). */
    Fd control() {
        return control;
    }

    /** This JVM's end of the channel from the child (non-blocking). */
    PipeInputStream replies() {
        return replies;
    }

    /** Completed with the child's answer once it came (or the channel ended without one). */
    CompletableFuture<Reply> reply() {
        return reply;
    }

    /**
     * Completed when the child's end of its stderr is closed (at once if stderr is not kept):
     * after that {@link #stderrTail} waits for nothing.
     */
    CompletableFuture<Void> stderrEnded() {
        return tail == null ? CompletableFuture.completedFuture(null) : tail.ended();
    }

    /** The end of the child's stderr, or empty if it is not kept; see {@link StderrTail#text}. */
    String stderrTail(long waitMillis) {
        return tail == null ? "" : tail.text(waitMillis);
    }

    /** This JVM's end of the child's stdout pipe, or null if stdout is not a pipe. */
    PipeInputStream stdout() {
        return stdout;
    }

    /** This JVM's end of the child's stderr pipe, or null if stderr is not a pipe. */
    PipeInputStream stderr() {
        return stderr;
    }

    private static void closeAll(int[] a, int[] b) {
        Fds.closeQuietly(a[0]);
        Fds.closeQuietly(a[1]);
        Fds.closeQuietly(b[0]);
        Fds.closeQuietly(b[1]);
    }

    private static void closeQuietly(Fd fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // nothing to do about it
        }
    }
}
