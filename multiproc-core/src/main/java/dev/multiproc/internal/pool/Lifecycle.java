package dev.multiproc.internal.pool;

import dev.multiproc.ExitStatus;
import dev.multiproc.MultiprocException;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.jvm.WorkerJvm;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WorkerSetup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The life of a pool's workers: started, joined, killed, dead, replaced, and the pool broken
 * when a start fails for a reason that would repeat. Everything here runs under the pool's lock
 * but the start of a worker, which runs on the pool's thread outside it.
 *
 * <h2>Who was running</h2>
 * A worker runs its jobs in order and writes each answer before it starts the next job (see
 * {@code WorkerLoop}). So when a worker dies, the first job still in hand is the one it was
 * running, and the others never started. Only that one fails
 * ({@link dev.multiproc.WorkerDiedException}, with the exit status and the end of the worker's
 * stderr); the others go back to the queue and run elsewhere. A worker that dies before its
 * READY ran nothing: all its jobs go back.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A kill races with the answer of the job it was meant for: the answer may be in the pipe
 *   already, and the worker may have started the next job. Then that next job is the first in
 *   hand at the death and fails with {@link dev.multiproc.WorkerDiedException}: a job runs at
 *   most once.</li>
 *   <li>The pipe of answers can end before the process has (a task that closes fd 4), and the
 *   process can end before its pipe does (a grandchild holding it). A death is handled once
 *   the exit status is known and the pipe has been read to its end or to what is in it; the
 *   worker's stderr, which says why it died, is awaited up to {@link #STDERR_WAIT_MILLIS} by a
 *   timer, not a thread.</li>
 *   <li>A worker that fails to start is started again only if it may pass next time: a failure
 *   that would repeat (a bad JVM option, a missing class, an initializer that throws) breaks the
 *   pool, and every job fails with the reason, instead of starting workers forever; one killed
 *   by a signal or short of a resource is retried after a delay that doubles with each failure
 *   in a row ({@link StartTrouble}), as long as there is work or the pool runs.</li>
 *   <li>A start takes milliseconds (a spawn): it runs on the pool's thread, after its turn and
 *   outside the lock, never on a thread of its own (see {@code PoolIo}, "errands").</li>
 * </ul>
 */
final class Lifecycle {
    /** How the pool around it runs events under its lock. */
    interface Turns {
        /** Runs {@code action} under the pool's lock now, and ends the turn. */
        void locked(Consumer<Batch> action);

        /** Runs {@code event} on the pool's thread under its lock, soon. From any thread. */
        void post(Consumer<Batch> event);
    }

    static final long STDERR_WAIT_MILLIS = 300;
    /**
     * Test-only: the build throws an {@link InternalError} after starting this many workers (one
     * more than the pool's number: after everything, its thread running).
     */
    private static final String FAIL_BUILD = "dev.multiproc.pool.failBuildAfterWorkers";

    private final PoolConfig config;
    private final PoolState state;
    private final Dispatch dispatch;
    private final Cancels cancels;
    private final PoolIo<WorkerLink> io;
    private final Turns turns;
    private final Actions actions;
    private final Map<Worker, WorkerLink> links = new IdentityHashMap<>();
    /** Workers being started, or waiting for their delay ({@link #delayed}). */
    private int starting;
    /** The names of the workers waiting for their delay (see {@link StartTrouble}), counted in {@link #starting}. */
    private final Set<String> delayed = new HashSet<>();
    /** Starts that failed since a worker last got ready, each one that may pass next time. */
    private int startFailuresInARow;
    /** Why the last of them failed. */
    private String lastStartTrouble;
    private long workerCount;

    Lifecycle(PoolConfig config, PoolState state, Dispatch dispatch, Cancels cancels, PoolIo<WorkerLink> io,
              Turns turns, Actions actions) {
        this.config = config;
        this.state = state;
        this.dispatch = dispatch;
        this.cancels = cancels;
        this.io = io;
        this.turns = turns;
        this.actions = actions;
    }

    // ---------------------------------------------------------------- starting

    /**
     * Starts the pool's workers (their JVMs start in the background) and its thread. A build
     * that fails releases what it opened, whatever it throws: the workers it started are
     * killed and their pipes closed, the pool's thread and fds are gone.
     *
     * @throws MultiprocException if a worker cannot be started (nothing is left running)
     */
    void startAll() {
        List<WorkerLink> started = new ArrayList<>();
        try {
            int failAfter = Integer.getInteger(FAIL_BUILD, -1);
            for (int i = 0; i < config.workers(); i++) {
                failForTesting(failAfter, i);
                started.add(launch(nextWorkerName()));
            }
            failForTesting(failAfter, config.workers());
            io.start();
            turns.locked(batch -> started.forEach(this::join));
            failForTesting(failAfter, config.workers() + 1); // once its thread runs and its workers joined
        } catch (Throwable t) {
            turns.locked(batch -> state.terminate());
            io.stop();
            for (WorkerLink link : started) {
                io.unwatch(link.token);
                link.kill();
                link.close();
            }
            if (t instanceof MultiprocException m) {
                throw m;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new MultiprocException("cannot start the workers of " + config.name() + ": "
                    + t.getMessage(), t);
        }
    }

    private static void failForTesting(int failAfter, int started) {
        if (failAfter == started) {
            throw new InternalError("failing the build after " + started + " workers, as " + FAIL_BUILD + " asks");
        }
    }

    /** The name of the next worker. */
    private String nextWorkerName() {
        return config.name() + "-worker-" + (++workerCount);
    }

    /**
     * Starts worker {@code name} (its JVM starts in the background).
     *
     * @throws IOException if it cannot be started (nothing is left running then)
     */
    private WorkerLink launch(String name) throws IOException {
        int key = ThreadLocalRandom.current().nextInt();
        WorkerJvm jvm = WorkerJvm.start(config.worker(), new WorkerSetup(name, config.limits().pattern(),
                config.initializer(), key));
        Worker w = new Worker(name, jvm.child().pid(), key, new Outbox(jvm.jobs(), jvm::fdSocket));
        return new WorkerLink(w, jvm, new FrameBuffer(1 << 16, config.limits().maxBytes(), key,
                WorkerLink.ANSWER_TYPES));
    }

    /** Adds a started worker: its answers are read from now on, and its exit is watched. */
    void join(WorkerLink link) {
        Worker w = link.worker;
        dispatch.add(w);
        links.put(w, link);
        if (state.isStopped()) {
            kill(w, null);
        } else {
            try {
                link.token = io.watch(link.jvm.answers().number(), link);
            } catch (ErrnoException e) {
                kill(w, null);
            }
        }
        link.jvm.child().exit().whenComplete((status, e) -> turns.post(b -> exited(link, b)));
    }

    /**
     * Keeps the pool at its number of workers while it has (or may get) work: starts the
     * missing ones, at once or, after failed starts, once their delay has passed.
     */
    void ensureWorkers() {
        if (!state.wantsWorkers(dispatch.hasWork())) {
            return;
        }
        int serving = starting;
        for (Worker w : dispatch.workers()) {
            if (w.counts()) {
                serving++;
            }
        }
        long delay = StartTrouble.delayNanos(startFailuresInARow);
        for (; serving < config.workers(); serving++) {
            starting++;
            String name = nextWorkerName();
            if (delay == 0) {
                io.errand(() -> replacement(name));
            } else {
                delayed.add(name);
                Engine.get().loop().schedule(delay, () -> turns.post(b -> {
                    if (delayed.remove(name)) { // else the pool no longer needs it
                        io.errand(() -> replacement(name));
                    }
                }));
            }
        }
    }

    /** On the pool's thread, outside the lock: starts a worker to replace one, and puts it to work. */
    private void replacement(String name) {
        boolean[] needed = {false};
        turns.locked(b -> {
            if (state.broken() == null && !state.isStopped()) {
                needed[0] = true;
            } else {
                starting--;
            }
        });
        if (!needed[0]) {
            return;
        }
        WorkerLink link;
        try {
            link = launch(name);
        } catch (Throwable e) {
            turns.locked(b -> {
                starting--;
                if (StartTrouble.mayPassSpawn(e)) {
                    startFailed("cannot start " + name + ": " + e);
                } else {
                    breakPool(Failures.cannotSpawn(config.name(), e), b);
                }
            });
            return;
        }
        turns.locked(b -> {
            starting--;
            join(link);
        });
    }

    /** A start failed in a way that may pass: the next one waits a little longer (see {@link StartTrouble}). */
    private void startFailed(String why) {
        startFailuresInARow++;
        lastStartTrouble = why;
        ensureWorkers();
    }

    /** A worker said it is ready: starts no longer fail in a row. */
    void ready() {
        startFailuresInARow = 0;
        lastStartTrouble = null;
    }

    // ---------------------------------------------------------------- reading

    /** Takes in what was read from {@code link}'s pipe at {@code now}. */
    void answered(WorkerLink link, List<Protocol.Frame> frames, long now, Batch batch) {
        Worker w = link.worker;
        if (!dispatch.contains(w) || (w.channelFault() != null && w.isDying())) {
            return; // gone already, or its corruption is being dealt with
        }
        Answers.take(w, frames, link.fault(), now, dispatch.queue(), batch, actions);
        if (link.atEnd()) {
            io.unwatch(link.token);
            if (!w.isDying() && !(w.isInputClosed() && w.inHand() == 0)) {
                kill(w, null); // its answers ended early: make sure the process ends too
            }
        }
    }

    /**
     * Claims the answers of the worker that holds {@code unit} for {@code t} (see {@link Waiting}):
     * the link, muted, or null if the job is not in the hand of a worker that runs jobs.
     */
    WorkerLink claim(TaskUnit unit, Thread t) {
        Worker w = unit.worker;
        WorkerLink link = w == null ? null : links.get(w);
        if (link == null || unit.isSettled() || !w.isServing() || !dispatch.contains(w)) {
            return null;
        }
        try {
            if (!link.claim(t)) {
                return null;
            }
        } catch (ErrnoException e) {
            return null; // no eventfd to be woken with: wait as usual
        }
        io.mute(link.token);
        return link;
    }

    /** Gives {@code link}'s answers back to the pool's thread. */
    void release(WorkerLink link) {
        link.release();
        io.unmute(link.token);
    }

    // ---------------------------------------------------------------- ending

    /** Kills {@code w} (for {@code reason}, or null) unless it is dying already; it is replaced. */
    void kill(Worker w, Unit reason) {
        if (w.kill(reason)) {
            links.get(w).kill();
        }
        ensureWorkers();
    }

    /** {@code w}'s channel cannot be trusted: it is read no more and killed; see {@link Answers}. */
    void corrupt(Worker w, String why) {
        w.fault(why);
        io.unwatch(links.get(w).token);
        kill(w, null);
    }

    /** {@code w}'s pipe is closed (once what was sent is written): it exits when it has answered what it has. */
    void closeInput(Worker w, Batch batch) {
        if (w.closeInput()) {
            batch.close(w.outbox);
        }
    }

    /** On the pool's thread: {@code link}'s process has been reaped. */
    private void exited(WorkerLink link, Batch batch) {
        Worker w = link.worker;
        if (!dispatch.contains(w)) {
            return;
        }
        answered(link, link.read(), System.nanoTime(), batch); // what it wrote before it died is in the pipe
        w.died();
        io.unwatch(link.token);
        ExitStatus status = link.jvm.child().exit().getNow(null);
        // Its stderr's tail explains its death: wait for the end of it, or STDERR_WAIT_MILLIS if a
        // grandchild holds it, with no thread of our own (a JVM short of threads must still see its
        // workers die): whichever comes first posts the verdict, the second finds it made.
        Runnable verdict = () -> turns.post(b -> gone(link, status, link.jvm.stderrTail(0), b));
        link.jvm.stderrEnded().thenRun(verdict);
        Engine.get().loop().schedule(TimeUnit.MILLISECONDS.toNanos(STDERR_WAIT_MILLIS), verdict);
    }

    /** On the pool's thread: {@code link}'s worker is dead and its stderr read; decides what became of its jobs. */
    private void gone(WorkerLink link, ExitStatus status, String tail, Batch batch) {
        Worker w = link.worker;
        if (!dispatch.contains(w)) {
            return; // the other of the two verdicts came first
        }
        dispatch.remove(w, w.channelFault() != null
                ? Failures.corrupted(config.name(), w, w.channelFault(), status, tail)
                : Failures.died(config.name(), w, status, tail), batch);
        links.remove(w);
        link.close();
        boolean failedStart = !w.wasReady() && w.killedFor() == null && !ExitStatus.exited(0).equals(status)
                && (state.life() == PoolState.Life.RUNNING || state.life() == PoolState.Life.SHUTDOWN);
        if (failedStart) {
            if (w.channelFault() == null && StartTrouble.mayPassExit(status, tail)) {
                startFailed(Failures.describeStart(w, status, tail));
                return;
            }
            breakPool(w.channelFault() != null
                    ? Failures.corruptedAtStart(config.name(), w, w.channelFault(), status, tail)
                    : Failures.couldNotStart(config.name(), w, status, tail), batch);
            return;
        }
        ensureWorkers();
    }

    /** Breaks the pool: every job fails with {@code why}, every worker is killed, nothing more is taken. */
    void breakPool(RuntimeException why, Batch batch) {
        if (state.breakWith(why)) {
            cancels.failAll(why, batch);
        }
    }

    // ---------------------------------------------------------------- the pool's end

    /**
     * The pool is ending: forgets the starts waiting for their delay if there is no
     * {@code work} left, and closes the pipes of the workers with nothing in hand (they exit
     * with 0). True once no worker is left or starting.
     */
    boolean wind(boolean work, Batch batch) {
        if (!work && !delayed.isEmpty()) {
            starting -= delayed.size(); // no work for the workers still waiting to start
            delayed.clear();
        }
        if (!work) {
            for (Worker w : dispatch.workers()) {
                if (w.inHand() == 0) {
                    closeInput(w, batch); // end of file: it exits with 0
                }
            }
        }
        return !work && dispatch.workers().isEmpty() && starting == 0;
    }

    /** The process ids of the workers that count, those starting excepted. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Worker w : dispatch.workers()) {
            if (w.counts()) {
                pids.add(w.pid);
            }
        }
        return pids;
    }

    /** What goes wrong with starting workers, for {@code toString}, or an empty string. */
    String trouble() {
        return startFailuresInARow == 0 || state.broken() != null ? "" : ", " + startFailuresInARow
                + " worker starts failed in a row, retrying (the last: " + lastStartTrouble + ")";
    }
}
