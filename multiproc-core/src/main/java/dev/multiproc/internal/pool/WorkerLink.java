package dev.multiproc.internal.pool;

import dev.multiproc.Signal;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.jvm.WorkerJvm;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's process and the reading of its answers: what {@link Worker} leaves out. Its
 * answers are read under the pool's lock, by the pool's thread or by the thread that claimed
 * the link ({@link Waiting}), so they are taken in the order they came.
 *
 * <h2>A claimed link</h2>
 * While a thread waiting for a future reads this worker's answers itself, the pool's thread does
 * not watch its pipe. The claimant polls the pipe and an eventfd of the link's own, which
 * whoever completes the future meanwhile writes to, so that the claimant stops polling. The
 * claimant uses the fd numbers outside the pool's lock: while the link is claimed they are not
 * closed (closing waits for the release), so the numbers cannot be handed out again under it.
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
    /** The thread reading its answers itself, or null; under the pool's lock. */
    private Thread claimant;
    /** The worker is gone while claimed: its pipe and eventfd are closed at the release. */
    private boolean closeOnRelease;
    /** The claimant's eventfd, made at the first claim; -1 before, -2 once closed. Under this object's monitor. */
    private int wakeFd = -1;
    private final MemorySegment counter = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);

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

    /**
     * Closes both pipes and the socket of fds: the worker is gone. The answers pipe waits for the
     * release if the link is claimed. Under the pool's lock, as the sends on the socket are.
     */
    void close() {
        worker.outbox.close();
        jvm.closeFds();
        if (claimant != null) {
            closeOnRelease = true;
        } else {
            closeAnswers();
        }
    }

    private void closeAnswers() {
        jvm.closeAnswers();
        synchronized (this) {
            Fds.closeQuietly(wakeFd);
            wakeFd = -2;
        }
    }

    // ---------------------------------------------------------------- claims, see Waiting

    /** Claims the reading of its answers for {@code t}; false if another has it, or it ended. Under the pool's lock. */
    boolean claim(Thread t) throws ErrnoException {
        if (claimant != null || closeOnRelease || eof || fault != null) {
            return false;
        }
        synchronized (this) {
            if (wakeFd == -1) {
                wakeFd = Fds.eventfd();
            }
        }
        claimant = t;
        return true;
    }

    /** True while {@code t} reads its answers. Under the pool's lock. */
    boolean claimedBy(Thread t) {
        return claimant == t;
    }

    /** True while some thread other than the pool's reads its answers. Under the pool's lock. */
    boolean claimed() {
        return claimant != null;
    }

    /** Gives the reading back to the pool's thread; closes what {@link #close} left open. Under the pool's lock. */
    void release() {
        claimant = null;
        if (closeOnRelease) {
            closeAnswers();
        }
    }

    /**
     * The claimant waits up to {@code millis} for an answer, the end of the pipe, or
     * {@link #wakeClaimant}; outside the pool's lock.
     */
    void awaitAnswer(int millis) throws ErrnoException {
        int wake;
        synchronized (this) {
            wake = wakeFd;
        }
        Fds.pollReadable(new int[] {jvm.answers().number(), wake}, millis);
        synchronized (this) {
            if (wakeFd >= 0) {
                Fds.read(wakeFd, counter); // empties the counter, or would block: either will do
            }
        }
    }

    /** Stops the claimant's wait: the future it waits for is complete. From any thread. */
    void wakeClaimant() {
        synchronized (this) {
            if (wakeFd >= 0) {
                try {
                    counter.set(ValueLayout.JAVA_LONG, 0, 1L);
                    Fds.write(wakeFd, counter);
                } catch (ErrnoException e) {
                    // the counter is full: the claimant is woken anyway
                }
            }
        }
    }
}
