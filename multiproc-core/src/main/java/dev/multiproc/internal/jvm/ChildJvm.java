package dev.multiproc.internal.jvm;

import dev.multiproc.ProcessStartException;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.launch.Launcher;
import dev.multiproc.internal.launch.Started;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.UnixSockets;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
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
    /** A spare's end of its socket of fds (see {@link #spawnSpare}), or -1. */
    private volatile int fdSocket = -1;

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
     * @throws ProcessStartException if the directory is missing, {@code java} cannot be run, a
     *     pipe cannot be made or a redirect file cannot be opened; nothing is left behind
     */
    static ChildJvm spawn(LaunchSpec spec, String mode, String name, boolean daemon) {
        return spawn(spec, mode, name, daemon, List.of());
    }

    /**
     * A warm spare for {@code spec}: a child started before its task, with one end of a Unix
     * socket at {@link Protocol#FDS_SOCKET_FD} (the number a cold child's first carried fd has),
     * over which the fds its task carries are sent when it is taken ({@link #sendFds}). This JVM
     * keeps the other end until the child ends.
     *
     * @throws ProcessStartException as {@link #spawn(LaunchSpec, String, String, boolean)}
     */
    static ChildJvm spawnSpare(LaunchSpec spec) {
        int[] socket;
        try {
            socket = UnixSockets.pair();
        } catch (ErrnoException e) {
            throw new dev.multiproc.MultiprocException("no socket for a warm spare: " + e.getMessage(), e);
        }
        ChildJvm jvm;
        try {
            jvm = spawn(spec, "--spare", "spare", true, List.of(socket[1]));
        } catch (RuntimeException | Error e) {
            Fds.closeQuietly(socket[0]);
            throw e;
        } finally {
            Fds.closeQuietly(socket[1]);
        }
        jvm.fdSocket = socket[0];
        jvm.child.exit().whenComplete((status, e) -> {
            int fd = jvm.fdSocket;
            jvm.fdSocket = -1;
            Fds.closeQuietly(fd);
        });
        return jvm;
    }

    /**
     * Sends {@code fds} to a spare over its socket, in messages of at most
     * {@link UnixSockets#MAX_FDS_PER_MESSAGE}, before its task frame: false if they could not all
     * be sent (it is no spare, it ended, its socket is full), when the caller must not use it.
     */
    boolean sendFds(List<Integer> fds) {
        int socket = fdSocket;
        if (socket < 0 || !child.isAlive()) {
            return false;
        }
        int[] all = fds.stream().mapToInt(Integer::intValue).toArray();
        try {
            for (int sent = 0; sent < all.length; sent += UnixSockets.MAX_FDS_PER_MESSAGE) {
                UnixSockets.sendFds(socket, java.util.Arrays.copyOfRange(all, sent,
                        Math.min(all.length, sent + UnixSockets.MAX_FDS_PER_MESSAGE)));
            }
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * As {@link #spawn(LaunchSpec, String, String, boolean)}, giving the child {@code carried}
     * (the fds a task carries, see {@code FdSlots}) at {@link Protocol#FIRST_CARRIED_FD} and up.
     */
    static ChildJvm spawn(LaunchSpec spec, String mode, String name, boolean daemon, List<Integer> carried) {
        LaunchRequest request = spec.request(mode, name, daemon);
        for (int i = 0; i < carried.size(); i++) {
            request = request.withFd(carried.get(i), Protocol.FIRST_CARRIED_FD + i);
        }
        Started started = Launcher.launch(request);
        Child child = started.child();
        int toChild = started.channel(Protocol.TO_CHILD_FD);
        int fromChild = started.channel(Protocol.FROM_CHILD_FD);
        Engine engine = Engine.get();
        try {
            StderrTail tail = spec.tailStderr() ? StderrTail.start(started.stderr(), child.pid()) : null;
            return new ChildJvm(child, spec, new Fd(toChild, engine.loop()),
                    new PipeInputStream(new Fd(fromChild, engine.loop()), engine.reclaimer()), tail,
                    started.stdout(), spec.tailStderr() ? null : started.stderr());
        } catch (RuntimeException | Error e) {
            // No thread for its stderr (this JVM is short of threads), say: leave no child behind.
            child.signal(dev.multiproc.Signal.SIGKILL);
            Fds.closeQuietly(toChild);
            Fds.closeQuietly(fromChild);
            closeQuietly(started.stdout());
            closeQuietly(started.stderr());
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

    private static void closeQuietly(java.io.Closeable stream) {
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (IOException e) {
            // nothing to do about it
        }
    }

    private static void closeQuietly(Fd fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // nothing to do about it
        }
    }
}
