package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.Protocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Which worker runs which job: the queue, the workers, and every move of a job between them.
 * It knows workers only as {@link Worker}s and time only as its clock, so that it can be driven
 * without a process; everything else it needs goes through {@link Actions}. Under the pool's lock.
 *
 * <h2>Dispatch and pipelining</h2>
 * Jobs wait in the {@link JobQueue} (tasks in submission order, and map calls, which hand out
 * their elements a unit at a time, behind the jobs workers gave back). A job is given to the
 * ready worker with the fewest jobs in hand that has room, and its frame is appended to that
 * worker's {@link Outbox} at once, under the lock, so the order of frames in the pipe is the
 * order of the worker's hand. The thread that gave the job writes it after the lock is
 * released: a submitter writes its own task, and the pool's thread, after reading answers,
 * writes the jobs that refill the workers that answered. Nobody hands a job over to another
 * thread to write it.
 *
 * <p>A worker keeps more than one job in hand so that it never waits for this JVM between
 * two jobs (see {@link Worker} for how many). Tiny jobs then travel by the hundred in one
 * {@code write}, and their answers come back by the hundred in one {@code read}.
 *
 * <h2>Reading answers in batches</h2>
 * A worker writes each answer as its job ends (see {@link Lifecycle}, "Who was running"); if
 * the pool's thread waited for each, every tiny job would cost a wake-up on both sides, and on
 * a machine whose CPUs are shared, wake-ups are what there is least of. So when every worker
 * that works has enough in hand ({@link #pause}), the pool's thread leaves the answers unread
 * for a quarter of that time: they pile up in the pipes and are read by the hundred, and a
 * worker's {@code write} wakes nobody. Anything posted to the pool ends the pause at once.
 *
 * <h2>Taking jobs back</h2>
 * Jobs in a worker's hand wait for the job it runs; Python's pools pull from a shared queue and
 * have no such wait. So with nothing left to give and a worker idle, up to half of the jobs
 * waiting behind a job that has run for {@link #STEAL_AFTER_NANOS} are asked back with SKIP
 * frames; they come back to the queue when the worker answers SKIPPED, and the idle worker takes
 * them. A job the worker started meanwhile is answered as usual: a job runs at most once.
 *
 * <h2>A worker's end</h2>
 * A worker runs its jobs in order and writes each answer before it starts the next, so when it
 * is gone the first job still in its hand is the one it was running (if it was ready), and the
 * others never started: {@link #remove} fails the one and gives the others back, ahead of
 * everything queued.
 */
final class Dispatch {
    /** How long a worker's job must have run before an idle worker takes the jobs queued behind it. */
    static final long STEAL_AFTER_NANOS = 2_000_000;
    /** The soonest a check for jobs to take back is scheduled. */
    private static final long MIN_RECHECK_NANOS = 100_000;
    /** The shortest pause in reading answers worth taking (see {@link #pause}). */
    static final long MIN_PAUSE_NANOS = 100_000;
    /** The longest pause in reading answers. */
    static final long MAX_PAUSE_NANOS = 1_000_000;

    private final JobQueue queue = new JobQueue();
    private final List<Worker> workers = new ArrayList<>();
    private final int maxTasksPerWorker;
    private final LongSupplier clock;
    private final Actions actions;
    private int rotation;
    private boolean recheckArmed;

    /**
     * @param maxTasksPerWorker jobs after which a worker retires, or 0 for never
     * @param clock the time, in nanoseconds ({@link System#nanoTime} but in tests)
     */
    Dispatch(int maxTasksPerWorker, LongSupplier clock, Actions actions) {
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.clock = clock;
        this.actions = actions;
    }

    JobQueue queue() {
        return queue;
    }

    /** The workers, in the order they joined; not to be changed. */
    List<Worker> workers() {
        return Collections.unmodifiableList(workers);
    }

    /** Adds a started worker. */
    void add(Worker w) {
        workers.add(w);
    }

    /** True while {@code w} is one of the pool's workers (until {@link #remove}). */
    boolean contains(Worker w) {
        return workers.contains(w);
    }

    /** True if a job waits in the queue or in a worker's hand. */
    boolean hasWork() {
        if (!queue.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (w.inHand() > 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- giving

    /** Gives queued jobs to the workers that have room; with none left and a worker idle, takes jobs back. */
    void dispatch(Batch batch) {
        while (true) {
            Worker w = pick();
            if (w == null) {
                return;
            }
            Unit unit = queue.next();
            if (unit == null) {
                steal(batch);
                return;
            }
            give(w, unit, batch);
        }
    }

    /** The worker to give the next job to: a ready one first, then the fewest jobs in hand. */
    private Worker pick() {
        Worker best = null;
        int n = workers.size();
        for (int i = 0; i < n; i++) {
            Worker w = workers.get((rotation + i) % n);
            if (w.hasRoom() && (best == null || (w.wasReady() && !best.wasReady())
                    || (w.wasReady() == best.wasReady() && w.inHand() < best.inHand()))) {
                best = w;
            }
        }
        if (best != null) {
            rotation = (rotation + 1) % n;
        }
        return best;
    }

    private void give(Worker w, Unit unit, Batch batch) {
        boolean started;
        try {
            started = w.give(unit);
        } catch (Outbox.FdsNotSent e) {
            if (e.workerGone()) {
                queue.giveBack(unit); // another worker takes it; this one's death is being seen
                actions.kill(w, null);
            } else {
                batch.fail(unit, e.failure());
            }
            return;
        }
        if (started) {
            w.headStarted(clock.getAsLong());
            actions.headStarted(w);
        }
        batch.touch(w.outbox);
        if (maxTasksPerWorker > 0 && w.given() >= maxTasksPerWorker && w.retire()) {
            actions.retired(w);
        }
    }

    // ---------------------------------------------------------------- taking back

    /**
     * With nothing left to give: for each idle worker, asks the busiest worker stuck behind a
     * job of {@link #STEAL_AFTER_NANOS} for half of its jobs not started. If a job is not that
     * old yet, asks to be called again ({@link #rechecked}) when it will be.
     */
    private void steal(Batch batch) {
        long now = clock.getAsLong();
        for (Worker idle : workers) {
            if (!idle.isServing() || idle.intake() != Worker.Intake.OPEN || idle.inHand() > 0) {
                continue;
            }
            Worker victim = null;
            long soonest = Long.MAX_VALUE;
            for (Worker w : workers) {
                if (w.stuckBehindHead(now, STEAL_AFTER_NANOS) && w.unstarted() > 0
                        && (victim == null || w.unstarted() > victim.unstarted())) {
                    victim = w;
                } else if (w.stuckBehindHead(now, 0) && w.unstarted() > 0) {
                    soonest = Math.min(soonest, w.headSince() + STEAL_AFTER_NANOS - now);
                }
            }
            if (victim == null) {
                if (soonest != Long.MAX_VALUE && !recheckArmed) {
                    recheckArmed = true;
                    actions.recheckIn(Math.max(soonest, MIN_RECHECK_NANOS));
                }
                return;
            }
            int take = Math.max(1, victim.unstarted() / 2);
            Unit head = victim.head();
            for (Unit u : victim.handFromLast()) {
                if (take == 0) {
                    break;
                }
                if (u != head && !u.isSettled() && !u.reclaiming) {
                    u.reclaiming = true;
                    skip(victim, u, batch);
                    take--;
                }
            }
        }
    }

    /**
     * How long the pool's thread may leave the workers' answers unread after this turn: a
     * quarter of the work in hand of the worker that has the least, when every worker that
     * works has at least {@link #MIN_PAUSE_NANOS} of it queued (up to {@link #MAX_PAUSE_NANOS});
     * 0 when one has less, or has none while jobs wait, or its pace is unknown. See the class
     * comment.
     */
    long pause() {
        long least = Long.MAX_VALUE;
        for (Worker w : workers) {
            if (!w.isServing()) {
                continue;
            }
            if (w.inHand() == 0) {
                if (!queue.isEmpty() && w.intake() == Worker.Intake.OPEN) {
                    return 0;
                }
                continue;
            }
            least = Math.min(least, w.workInHand());
        }
        long pause = least == Long.MAX_VALUE ? 0 : Math.min(MAX_PAUSE_NANOS, least / 4);
        return pause >= MIN_PAUSE_NANOS ? pause : 0;
    }

    /** The check asked for by {@link Actions#recheckIn} is here; a dispatch follows. */
    void rechecked() {
        recheckArmed = false;
    }

    /** Tells {@code w} not to run {@code unit} if it has not started it. */
    void skip(Worker w, Unit unit, Batch batch) {
        if (!w.listens()) {
            return;
        }
        w.outbox.appendInt(Protocol.SKIP, unit.seq);
        batch.touch(w.outbox);
    }

    /** Tells the workers that have {@code call}'s function to drop it; its fds are released (it is done). */
    void forget(MapCall call, Batch batch) {
        if (call.fds != null) {
            call.fds.release(FdSlots.UNKNOWN_RECEIVER); // several workers may have it
        }
        for (Worker w : workers) {
            if (w.functions.remove(call.fnId) != null && w.listens()) {
                w.outbox.appendInt(Protocol.FORGET, call.fnId);
                batch.touch(w.outbox);
            }
        }
    }

    // ---------------------------------------------------------------- ends

    /**
     * {@code w} is gone: takes it out, fails the job it was running (its first in hand, if it
     * was ready) with {@code died}, and gives the others back. False if it was out already.
     */
    boolean remove(Worker w, Throwable died, Batch batch) {
        if (!workers.remove(w)) {
            return false;
        }
        List<Unit> hand = w.release();
        List<Unit> back = new ArrayList<>(hand.size());
        for (int i = 0; i < hand.size(); i++) {
            Unit u = hand.get(i);
            if (i == 0 && w.wasReady()) {
                batch.fail(u, died);
            } else if (!u.isSettled()) {
                back.add(u);
            }
        }
        queue.giveBack(back);
        return true;
    }

    /**
     * Empties the queue: returns the jobs not decided yet, for the caller to decide; the
     * elements of map calls not handed out fail with {@code why}.
     */
    List<Unit> drainQueue(Batch batch, RuntimeException why) {
        return queue.drain(call -> {
            batch.failElements(call, call.next, call.size, why);
            call.next = call.size;
        });
    }
}
