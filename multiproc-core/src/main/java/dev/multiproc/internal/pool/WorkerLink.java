package dev.multiproc.internal.pool;

import dev.multiproc.Signal;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.jvm.WorkerJvm;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's process and the reading of its answers: what {@link Worker} leaves out. Only one
 * thread reads at a time (the pool's reading thread); {@link #atEnd} and {@link #fault} are
 * then read under the pool's lock by the same thread.
 */
final class WorkerLink {
    /** The types of frame a worker may send. */
    static final byte[] ANSWER_TYPES = {Protocol.READY, Protocol.INIT_FAILED, Protocol.RESULT,
            Protocol.FAILURE, Protocol.CHUNK_RESULT, Protocol.SKIPPED};

    final Worker worker;
    final WorkerJvm jvm;
    private final FrameBuffer answers;
    /** Its answers pipe as the pool's thread watches it, or 0. */
    long token;
    private boolean eof;
    private String fault;

    WorkerLink(Worker worker, WorkerJvm jvm, FrameBuffer answers) {
        this.worker = worker;
        this.jvm = jvm;
        this.answers = answers;
    }

    /**
     * Reads what its answers pipe holds, without waiting, and returns the whole frames; notes
     * the end of the pipe ({@link #atEnd}), and a frame whose header is not what it must be
     * (see {@code FrameBuffer}): then it returns the frames before it and reads no more
     * ({@link #fault}).
     */
    List<Protocol.Frame> read() {
        List<Protocol.Frame> frames = new ArrayList<>();
        if (eof || fault != null) {
            return frames;
        }
        Fd fd = jvm.answers();
        try {
            while (true) {
                int space = answers.room(); // first: it may move or grow the array
                long n;
                try {
                    n = fd.read(MemorySegment.ofArray(answers.array()).asSlice(answers.end(), space));
                } catch (IOException e) {
                    n = 0; // closed under us: as good as its end
                }
                if (n == Fds.WOULD_BLOCK) {
                    break;
                }
                if (n == 0) {
                    eof = true;
                    break;
                }
                answers.filled((int) n);
                Protocol.Frame f;
                while ((f = answers.next(worker.jobsGiven())) != null) {
                    frames.add(f);
                }
                if (n < space) {
                    break;
                }
            }
        } catch (Protocol.CorruptFrameException e) {
            fault = e.getMessage(); // the frames before it are good; nothing after it is
        }
        return frames;
    }

    /** True once end of file was read from its answers pipe. */
    boolean atEnd() {
        return eof;
    }

    /** Why reading stopped at a corrupt frame, or null. */
    String fault() {
        return fault;
    }

    /** Ends its process at once. */
    void kill() {
        jvm.child().signal(Signal.SIGKILL);
    }

    /** Closes both pipes: the worker is gone. */
    void close() {
        worker.outbox.close();
        jvm.closeAnswers();
    }
}
