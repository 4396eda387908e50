package dev.multiproc.internal.jvm;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ExitPolicy;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.UnixSockets;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WorkerSetup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A pool's worker JVM as the pool holds it: the process, this JVM's non-blocking ends of its
 * channel, and the tail of its stderr. It is started like a {@code JvmProcess} child (same
 * {@code java}, class path, module path and access options, plus the pool's options), as a
 * daemon child with a lifeline, in {@code --worker} mode (see {@code child.WorkerLoop}). It
 * gets one end of a Unix socket pair at {@link Protocol#FDS_SOCKET_FD}, over which the fds its
 * jobs carry are sent; this JVM keeps the other end until the worker is gone ({@link #closeFds}).
 */
public final class WorkerJvm {
    /** Tests only: milliseconds to wait between the spawn and the setup frame, to widen that window. */
    static final String SETUP_DELAY_FOR_TESTS = "dev.multiproc.test.workerSetupDelayMillis";
    /**
     * The size asked for both pipes of a worker (best effort): a window of jobs (up to tens of
     * milliseconds of tiny ones, see the pool's {@code Worker}) goes into its pipe in one
     * {@code write}, and the answers to them come back without the worker waiting for this JVM
     * to read; the default 64 KiB holds about 3,600 tiny jobs or answers.
     */
    private static final int PIPE_SIZE = 1 << 20;

    private final ChildJvm jvm;
    /** This JVM's end of the socket of fds, or -1 once closed. */
    private int fdSocket;

    private WorkerJvm(ChildJvm jvm, int fdSocket) {
        this.jvm = jvm;
        this.fdSocket = fdSocket;
    }

    /**
     * Starts a worker with the pool's {@code config} for its workers and sends it {@code setup},
     * which names it. If anything fails once the process is spawned, the process is killed and
     * its pipes closed.
     *
     * @throws dev.multiproc.ProcessStartException if the worker cannot be started: {@code java}
     *     cannot be run, the directory is missing, the system is out of fds or processes
     * @throws IOException if the setup cannot be sent for another reason than the worker's end
     */
    public static WorkerJvm start(JvmConfig config, WorkerSetup setup) throws IOException {
        int[] socket;
        try {
            socket = UnixSockets.pair();
        } catch (ErrnoException e) {
            throw new dev.multiproc.ProcessStartException("cannot start " + setup.name()
                    + ": no socket for the fds of its jobs: " + e.getMessage(), "java", e.errnoName(), e);
        }
        ChildJvm jvm;
        try {
            // its end lands at FDS_SOCKET_FD, the first of the fds given to a child (see ChildJvm)
            jvm = ChildJvm.spawn(LaunchSpec.of(config), "--worker", setup.name(), true, List.of(socket[1]));
        } catch (RuntimeException | Error e) {
            Fds.closeQuietly(socket[0]);
            throw e;
        } finally {
            Fds.closeQuietly(socket[1]);
        }
        WorkerJvm worker = new WorkerJvm(jvm, socket[0]);
        try {
            ExitPolicy.track(jvm.child(), true, Duration.ZERO);
            jvm.control().growPipe(PIPE_SIZE);
            jvm.replies().fd().growPipe(PIPE_SIZE);
            byte[] payload = setup.encode();
            WireBuffer frame = new WireBuffer(payload.length + Protocol.POOL_HEADER);
            frame.frame(Protocol.SETUP, Protocol.NO_JOB, payload);
            long delay = Long.getLong(SETUP_DELAY_FOR_TESTS, 0);
            if (delay > 0) {
                Thread.sleep(delay);
            }
            try {
                jvm.control().writeFully(frame.array(), 0, frame.length());
            } catch (IOException e) {
                if (!diedBeforeItsSetup(jvm, e)) {
                    throw e;
                }
                // It ended before it read its setup (a JVM option it refused, say): not a failure to
                // start it, but a worker that died starting, whose exit and stderr tell the pool why.
            }
        } catch (IOException | RuntimeException | Error e) {
            jvm.child().signal(dev.multiproc.Signal.SIGKILL); // its exit closes the pipe to it
            worker.closeAnswers();
            worker.closeFds();
            throw e;
        } catch (InterruptedException e) {
            jvm.child().signal(dev.multiproc.Signal.SIGKILL);
            worker.closeAnswers();
            worker.closeFds();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while starting " + setup.name());
        }
        return worker;
    }

    /**
     * True if writing to a worker failed because it is gone: its pipe has no reader any more
     * (EPIPE), or this JVM closed its end as the worker exited.
     */
    private static boolean diedBeforeItsSetup(ChildJvm jvm, IOException e) {
        return jvm.control().isClosed()
                || e instanceof dev.multiproc.internal.posix.ErrnoException errno
                        && errno.errno() == dev.multiproc.internal.posix.Errno.EPIPE;
    }

    /** The process. */
    public Child child() {
        return jvm.child();
    }

    /** This JVM's end of the pipe the worker reads its jobs from. */
    public Fd jobs() {
        return jvm.control();
    }

    /** This JVM's end of the pipe the worker writes its answers into. */
    public Fd answers() {
        return jvm.replies().fd();
    }

    /**
     * This JVM's end of the socket over which the fds of the worker's jobs go
     * ({@code SOCK_SEQPACKET}, see {@code UnixSockets}), or -1 once {@link #closeFds closed}.
     * Whoever sends on it and whoever closes it must hold one lock (the pool's), so that a
     * number closed and given out again is never sent on.
     */
    public int fdSocket() {
        return fdSocket;
    }

    /** Closes this JVM's end of the socket of fds (idempotent); once the worker is gone. */
    public void closeFds() {
        int fd = fdSocket;
        fdSocket = -1;
        Fds.closeQuietly(fd);
    }

    /** Completed when the worker's end of its stderr is closed; see {@link #stderrTail}. */
    public java.util.concurrent.CompletableFuture<Void> stderrEnded() {
        return jvm.stderrEnded();
    }

    /**
     * The end of the worker's stderr, after waiting up to {@code waitMillis} for the worker's
     * end of it.
     */
    public String stderrTail(long waitMillis) {
        return jvm.stderrTail(waitMillis);
    }

    /** Closes this JVM's end of the answers pipe; after the worker is gone. */
    public void closeAnswers() {
        try {
            jvm.replies().close();
        } catch (IOException e) {
            // nothing to do about it
        }
    }
}
