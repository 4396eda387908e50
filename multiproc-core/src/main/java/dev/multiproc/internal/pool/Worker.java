package dev.multiproc.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker as the pool's decisions see it: where it is in its life, what it still takes, the
 * jobs it has in hand in the order it runs them, and how many more it should be given. It
 * knows nothing of its process: {@link WorkerLink} reads its answers and
 * {@link Lifecycle} starts and ends it. Everything here belongs to the pool's lock, except
 * {@link #jobsGiven()}, which the thread reading answers reads.
 *
 * <h2>Life and intake</h2>
 * Two things about a worker only move forward. Its {@link Phase}: it starts, it is ready (its
 * READY was read: the first job in hand runs), it dies; a READY may still be read from its pipe
 * after it was killed, and then the first job in hand was running when it died. Its
 * {@link Intake}: it takes jobs, it was given its last one ({@code maxTasksPerWorker}), its
 * pipe is closed (after its last answer, or when the pool ends).
 *
 * <h2>How many jobs it holds</h2>
 * One before its pace is known (a long task must not hold a short one back), then enough to
 * cover its lead at the pace measured from its answers, up to {@link #MAX_WINDOW}, and none
 * while {@link #MAX_BACKLOG} bytes wait for its pipe. The window grows at most twice per read
 * (a slow start: one tiny first task must not open it wide for the slow ones that may follow)
 * and shrinks at once.
 *
 * <h2>A lead for a busy machine</h2>
 * The lead is how long the worker can go on without this JVM: the time the pool's thread may
 * take to read its answers and send it more. On an idle machine that is tens of microseconds,
 * and {@link #LEAD_NANOS} covers it many times. When the CPUs are shared, the pool's thread may
 * wait a scheduler's slice (milliseconds) for a CPU, and a worker that drains its hand meanwhile
 * waits too. Worse, the time it waited then looks like work: a worker that was idle half the
 * time seems twice as slow, gets half the window, and waits more, until the pipeline is gone.
 * So a read that finds the hand drained while jobs were waiting for a worker doubles the lead
 * (up to {@link #MAX_LEAD_NANOS}), and such a read may make the measured pace faster, never
 * slower: the worker may have been idle part of the time. Reads that find jobs still in hand
 * measure the pace as it is, and let the lead shrink back slowly.
 */
final class Worker {
    /** Where a worker is in its life; it only moves forward. */
    enum Phase {
        /** Started; its READY not read yet: none of its jobs runs. */
        STARTING,
        /** Its READY was read: the first job in hand runs. */
        READY,
        /** Killed or found dead before its READY was read. */
        DYING_UNREADY,
        /** Killed or found dead after its READY was read: the first job in hand was running. */
        DYING
    }

    /** What a worker still takes; it only moves forward. */
    enum Intake {
        /** It takes jobs. */
        OPEN,
        /** It was given its last job; its pipe is closed after its last answer, and it is replaced. */
        RETIRING,
        /** It retired and its pipe is closed. */
        RETIRED,
        /** Its pipe was closed as the pool ended: it finishes what it has and exits. */
        CLOSED
    }

    /** Longest run of jobs kept queued in a worker. */
    static final int MAX_WINDOW = 16_384;
    /** How much work, in time, a worker should have queued behind the job it runs, at least. */
    static final long LEAD_NANOS = 1_000_000;
    /** ... and at most, on a busy machine (see the class comment). */
    static final long MAX_LEAD_NANOS = 32_000_000;
    /** Bytes waiting for a worker's pipe beyond which it is given no more jobs. */
    static final int MAX_BACKLOG = 1 << 20;
    /**
     * Jobs that carry fds in a worker's hand beyond which it is given no more jobs: each sent
     * its fds ahead, and a socket holds about 200 messages (its 208 KiB send buffer) before a
     * send would fail with EAGAIN.
     */
    static final int MAX_CARRYING = 64;

    final String name;
    final long pid;
    /** What the worker XORs into its frames' tags (see {@code Protocol}). */
    final int key;
    final Outbox outbox;
    /** The map calls whose function it has, by id. */
    final Map<Integer, MapCall> functions = new HashMap<>();

    private final ArrayDeque<Unit> hand = new ArrayDeque<>();
    private Phase phase = Phase.STARTING;
    private Intake intake = Intake.OPEN;
    private int nextSeq;
    /** {@link #nextSeq}, for the thread reading answers: no answer may name a job at or above it. */
    private volatile int jobsGiven;
    private int given;
    /** The jobs in hand that carried fds. */
    private int carrying;
    /** The job it was killed for (a deadline, a cancel), or null. */
    private Unit killedFor;
    /** Why its channel cannot be trusted any more, or null. */
    private String channelFault;
    /** When the first job in hand started, as far as this JVM can tell ({@link System#nanoTime}). */
    private long headSince;
    /** Average time per job, or 0 before the first answer. */
    private long serviceNanos;
    /** How long it should be able to go on without this JVM; see the class comment. */
    private long leadNanos = LEAD_NANOS;
    /** How many jobs it may hold now; grows at most twice per answer read, see {@link #measured}. */
    private int window = 1;

    Worker(String name, long pid, int key, Outbox outbox) {
        this.name = name;
        this.pid = pid;
        this.key = key;
        this.outbox = outbox;
    }

    // ---------------------------------------------------------------- life

    Phase phase() {
        return phase;
    }

    Intake intake() {
        return intake;
    }

    /** True once its READY was read, whether or not it died since. */
    boolean wasReady() {
        return phase == Phase.READY || phase == Phase.DYING;
    }

    /** True once it was killed or found dead. */
    boolean isDying() {
        return phase == Phase.DYING || phase == Phase.DYING_UNREADY;
    }

    /** Ready and alive: its first job in hand runs. */
    boolean isServing() {
        return phase == Phase.READY;
    }

    /** True if it counts among the pool's workers: neither dying nor retiring. */
    boolean counts() {
        return !isDying() && intake != Intake.RETIRING && intake != Intake.RETIRED;
    }

    /** True once its pipe is closed (or about to be): nothing more can be sent to it. */
    boolean isInputClosed() {
        return intake == Intake.RETIRED || intake == Intake.CLOSED;
    }

    /** True while frames may still be sent to it (a SKIP, a FORGET). */
    boolean listens() {
        return !isDying() && !isInputClosed();
    }

    /**
     * Its READY came at {@code now}: the first job in hand starts. False if it was ready
     * already: a second READY is a corrupted channel.
     */
    boolean ready(long now) {
        switch (phase) {
            case STARTING -> phase = Phase.READY;
            case DYING_UNREADY -> phase = Phase.DYING;
            default -> {
                return false;
            }
        }
        headSince = now;
        return true;
    }

    /**
     * Marks it dying, killed for {@code reason} (or null): true the first time, when the
     * caller must end its process.
     */
    boolean kill(Unit reason) {
        if (isDying()) {
            return false;
        }
        phase = phase == Phase.READY ? Phase.DYING : Phase.DYING_UNREADY;
        killedFor = reason;
        return true;
    }

    /** It was found dead (its process was reaped): it is dying, if it was not already. */
    void died() {
        kill(null);
    }

    /** The job it was killed for, or null. */
    Unit killedFor() {
        return killedFor;
    }

    /** Records why its channel cannot be trusted (the first reason stays). */
    void fault(String why) {
        if (channelFault == null) {
            channelFault = why;
        }
    }

    /** Why its channel cannot be trusted, or null. */
    String channelFault() {
        return channelFault;
    }

    /** It was given its last job: true the first time, when its replacement must start. */
    boolean retire() {
        if (intake != Intake.OPEN) {
            return false;
        }
        intake = Intake.RETIRING;
        return true;
    }

    /** Its pipe is to be closed: true the first time, when the caller must close it. */
    boolean closeInput() {
        switch (intake) {
            case OPEN -> intake = Intake.CLOSED;
            case RETIRING -> intake = Intake.RETIRED;
            default -> {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- jobs in hand

    /** True if it may be given another job now. */
    boolean hasRoom() {
        return !isDying() && intake == Intake.OPEN && hand.size() < window && carrying < MAX_CARRYING
                && outbox.backlog() < MAX_BACKLOG;
    }

    /** How many jobs it may hold now. */
    int window() {
        return window;
    }

    int inHand() {
        return hand.size();
    }

    /** Its jobs in hand, first (running, once ready) to last; not to be changed. */
    Iterable<Unit> hand() {
        return Collections.unmodifiableCollection(hand);
    }

    /** Its jobs in hand from the last to the first. */
    Iterable<Unit> handFromLast() {
        return hand::descendingIterator;
    }

    /** The first job in hand, or null. */
    Unit head() {
        return hand.peek();
    }

    /** The job it runs now, or null: its first in hand, once ready and while alive. */
    Unit running() {
        return isServing() ? hand.peek() : null;
    }

    /** When its first job in hand started, as far as this JVM can tell. */
    long headSince() {
        return headSince;
    }

    /** How many jobs it was given, for the thread reading answers. */
    int jobsGiven() {
        return jobsGiven;
    }

    /** How many jobs it was given in all. */
    int given() {
        return given;
    }

    /**
     * Takes {@code unit} into its hand as its next job and appends the job's frame to its
     * outbox, having sent the fds it carries first (see {@link Outbox#sendFds}). True if the job
     * is the first in hand of a ready worker: it starts now (the caller says when,
     * {@link #headStarted}).
     *
     * @throws Outbox.FdsNotSent if its fds could not be sent: nothing changed then
     */
    boolean give(Unit unit) throws Outbox.FdsNotSent {
        Carried fds = unit.carriedFor(this);
        if (fds != null) {
            outbox.sendFds(fds.fds(), toString());
        }
        if (unit.carried() != null) {
            carrying++;
        }
        unit.worker = this;
        unit.seq = nextSeq++;
        jobsGiven = nextSeq;
        hand.add(unit);
        given++;
        synchronized (outbox) {
            unit.encode(outbox.buffer(), this);
        }
        return hand.size() == 1 && isServing();
    }

    /**
     * Takes an answer of {@code type} for job {@code seq}: the job it answers, out of the hand;
     * or null if that is not the answer this worker owes now (it is not ready, or the first job
     * in hand is another, or of another kind): a corrupted channel.
     */
    Unit answer(byte type, int seq) {
        Unit u = hand.peek();
        if (!wasReady() || u == null || u.seq != seq || !u.answeredBy(type)) {
            return null;
        }
        return out(hand.poll());
    }

    /** Why an answer of {@code type} for job {@code seq} is not the one it owes, for a message. */
    String unexpected(String type, int seq) {
        Unit u = hand.peek();
        return "an answer " + type + " for job " + seq + ", where "
                + (!wasReady() ? "it was not ready" : u == null ? "it held no job" : "job " + u.seq + " was running");
    }

    /** Takes job {@code seq} out of its hand, as it skipped it: the job, or null if it holds no such job. */
    Unit skipped(int seq) {
        for (var it = hand.iterator(); it.hasNext(); ) {
            Unit u = it.next();
            if (u.seq == seq) {
                it.remove();
                return out(u);
            }
        }
        return null;
    }

    /** The head changed at {@code now}: the new first job in hand starts. */
    void headStarted(long now) {
        headSince = now;
    }

    /** Empties its hand as it is gone: its jobs, in order. */
    List<Unit> release() {
        List<Unit> units = new ArrayList<>(hand);
        hand.clear();
        carrying = 0;
        return units;
    }

    /** {@code u} left its hand. */
    private Unit out(Unit u) {
        if (u.carried() != null) {
            carrying--;
        }
        return u;
    }

    /** True if its first job in hand has run for {@code nanos} and others wait behind it. */
    boolean stuckBehindHead(long now, long nanos) {
        return isServing() && !isInputClosed() && hand.size() > 1 && now - headSince >= nanos;
    }

    /** The jobs behind the first in hand that could still be taken back. */
    int unstarted() {
        int n = 0;
        boolean first = true;
        for (Unit u : hand) {
            if (!first && !u.isSettled() && !u.reclaiming) {
                n++;
            }
            first = false;
        }
        return n;
    }

    /** True (and it counts as defined from now) if {@code call}'s function must be sent first. */
    boolean define(MapCall call) {
        return functions.putIfAbsent(call.fnId, call) == null;
    }

    // ---------------------------------------------------------------- pace

    /**
     * Records {@code answered} answers, read at once, that came {@code elapsed} nanoseconds after
     * the first of them started; {@code starved}: its hand is empty now while jobs were waiting
     * for a worker. See the class comment.
     */
    void measured(int answered, long elapsed, boolean starved) {
        long sample = Math.max(1, elapsed / answered);
        if (serviceNanos == 0) {
            serviceNanos = sample;
        } else if (!starved || sample < serviceNanos) {
            serviceNanos = (3 * serviceNanos + sample) / 4;
        }
        if (starved && window > 1) {
            leadNanos = Math.min(MAX_LEAD_NANOS, 2 * leadNanos);
        } else if (!hand.isEmpty()) {
            leadNanos = Math.max(LEAD_NANOS, leadNanos - leadNanos / 32);
        }
        int target = (int) Math.min(MAX_WINDOW, 1 + leadNanos / serviceNanos);
        window = Math.min(target, 2 * window);
    }

    /** How long it should be able to go on without this JVM now. */
    long lead() {
        return leadNanos;
    }

    /** How long the jobs in its hand should keep it busy, at its measured pace; 0 if its pace is unknown. */
    long workInHand() {
        return serviceNanos == 0 ? 0 : hand.size() * serviceNanos;
    }

    @Override
    public String toString() {
        return "worker " + name + " (pid " + pid + ")";
    }
}
