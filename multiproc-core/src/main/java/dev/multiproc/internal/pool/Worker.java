package dev.multiproc.internal.pool;

import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.jvm.WorkerJvm;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker JVM as the pool sees it: the jobs it has in hand, in the order it will run them,
 * and how many more it should be given. Everything not final belongs to the pool's lock,
 * except {@link #answers}, which only the thread reading answers touches, {@link #jobsGiven},
 * which it reads, and {@link #channelFault}, which it sets before it takes the lock.
 */
final class Worker {
    /** Longest run of jobs kept queued in a worker. */
    static final int MAX_WINDOW = 4096;
    /** How much work, in time, a worker should have queued behind the job it runs. */
    static final long LEAD_NANOS = 1_000_000;
    /** Bytes waiting for a worker's pipe beyond which it is given no more jobs. */
    static final int MAX_BACKLOG = 1 << 20;

    final long id;
    final String name;
    final WorkerJvm jvm;
    /** What the worker XORs into its frames' tags (see {@code Protocol}). */
    final int key;
    final Outbox outbox;
    final FrameBuffer answers;
    /** Jobs given to it and not answered yet, in order; the first is the one it runs (once ready). */
    final ArrayDeque<Unit> inHand = new ArrayDeque<>();
    /** The map calls whose function it has, by id. */
    final Map<Integer, MapCall> functions = new HashMap<>();

    int nextSeq;
    /** {@link #nextSeq}, for the thread reading answers: no answer may name a job at or above it. */
    volatile int jobsGiven;
    int given;
    /** Its READY came: the first job in hand is running. */
    boolean ready;
    /** It gets no more jobs; its pipe is closed once what it has is written. */
    boolean retiring;
    /** Its pipe is closed (or about to be): it finishes what it has and exits. */
    boolean inputClosed;
    /** It is ending or ended: it gets no more jobs, and it is replaced. */
    boolean dying;
    /** End of file was read from its answers pipe. */
    boolean eof;
    /**
     * Why its channel cannot be trusted any more (a frame out of order, malformed, too long), or
     * null: it is killed, and its running job fails with this.
     */
    String channelFault;
    /** The job it was killed for (timeout, cancel), or null. */
    Unit killedFor;
    /** When the first job in hand started, as far as this JVM can tell ({@link System#nanoTime}). */
    long headSince;
    /** A deadline check is scheduled. */
    boolean timerArmed;
    /** Average time per job, or 0 before the first answer. */
    long serviceNanos;
    /** How many jobs it may hold now; grows at most twice per answer read, see {@link #measured}. */
    private int window = 1;

    Worker(long id, String name, WorkerJvm jvm, int key, FrameBuffer answers) {
        this.id = id;
        this.name = name;
        this.jvm = jvm;
        this.key = key;
        this.outbox = new Outbox(jvm.jobs());
        this.answers = answers;
    }

    /** True if it may be given another job now. */
    boolean hasRoom() {
        return !dying && !retiring && inHand.size() < window() && outbox.backlog() < MAX_BACKLOG;
    }

    /**
     * How many jobs to keep in hand: one before anything is known (a long task must not hold
     * others back), then enough to cover {@link #LEAD_NANOS} of its measured pace.
     */
    int window() {
        return window;
    }

    /**
     * Records {@code answered} answers that came {@code elapsed} nanoseconds after the first of
     * them started. The window follows the pace at once when it shrinks, but grows at most
     * twice per read (a slow start): one tiny first task must not open it wide for the slow
     * ones that may follow.
     */
    void measured(int answered, long elapsed) {
        long sample = Math.max(1, elapsed / answered);
        serviceNanos = serviceNanos == 0 ? sample : (3 * serviceNanos + sample) / 4;
        int target = (int) Math.min(MAX_WINDOW, 1 + LEAD_NANOS / serviceNanos);
        window = Math.min(target, 2 * window);
    }

    /** True if its first job in hand has run for {@code nanos} and others wait behind it. */
    boolean stuckBehindHead(long now, long nanos) {
        return ready && !dying && !inputClosed && inHand.size() > 1 && now - headSince >= nanos;
    }

    /** True (and it counts as defined from now) if {@code call}'s function must be sent first. */
    boolean define(MapCall call) {
        return functions.putIfAbsent(call.fnId, call) == null;
    }

    /**
     * Reads what its answers pipe holds, without waiting, and returns the whole frames; sets
     * {@link #eof} at its end, and {@link #channelFault} (and reads no more) at a frame whose
     * header is not what it must be (see {@code FrameBuffer}). Only the thread reading answers
     * calls it.
     */
    List<Protocol.Frame> readAnswers() {
        List<Protocol.Frame> frames = new ArrayList<>();
        if (eof || channelFault != null) {
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
                while ((f = answers.next(jobsGiven)) != null) {
                    frames.add(f);
                }
                if (n < space) {
                    break;
                }
            }
        } catch (Protocol.CorruptFrameException e) {
            channelFault = e.getMessage(); // the frames before it are good; nothing after it is
        }
        return frames;
    }

    long pid() {
        return jvm.child().pid();
    }

    @Override
    public String toString() {
        return "worker " + name + " (pid " + pid() + ")";
    }
}
