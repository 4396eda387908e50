package dev.multiproc.internal.pool;

import dev.multiproc.ExitStatus;
import dev.multiproc.MultiprocException;
import dev.multiproc.Signal;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.jvm.WorkerJvm;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WorkerSetup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of a process pool and every decision about it: which worker runs which job, what
 * happens when a worker dies, when a job is over its deadline, when the pool ends.
 *
 * <h2>Dispatch and pipelining</h2>
 * Jobs wait in the {@link JobQueue} (tasks in submission order, and map calls, which hand out
 * their elements a unit at a time, behind the jobs workers gave back). A job
 * is given to the ready worker with the fewest jobs in hand that has room, and its frame is
 * appended to that worker's {@link Outbox} at once, under the lock, so the order of frames in
 * the pipe is the order of {@link Worker#inHand}. The thread that gave the job writes it after
 * the lock is released: a submitter writes its own task, and the pool's thread, after reading
 * answers, writes the jobs that refill the workers that answered. Nobody hands a job over to
 * another thread to write it.
 *
 * <p>A worker keeps more than one job in hand so that it never waits for this JVM between
 * two jobs: one before its pace is known (a long task must not hold a short one back), then
 * enough to cover {@link Worker#LEAD_NANOS} at the pace measured from its answers (up to
 * {@link Worker#MAX_WINDOW}). Tiny jobs then travel by the hundred in one {@code write}, and
 * their answers come back by the hundred in one {@code read}.
 *
 * <h2>Who was running</h2>
 * A worker runs its jobs in order and writes each answer before it starts the next job (see
 * {@code WorkerLoop}). So when a worker dies, the first job still in hand is the one it was
 * running, and the others never started. Only that one fails ({@link dev.multiproc.WorkerDiedException},
 * with the exit status and the end of the worker's stderr); the others go back to the queue
 * and run elsewhere. A worker that dies before its READY ran nothing: all its jobs go back.
 *
 * <h2>Answers are bound to their jobs</h2>
 * Every answer names its job (its number XOR the worker's key, see {@code Protocol}), and must
 * name the first job in hand (a SKIPPED, a job in hand; a READY, none, and only once). Anything
 * else (a frame a task wrote onto fd 4, bytes cut or shifted) means nothing more from that
 * channel can be trusted: the worker is killed, its running job fails with a
 * {@link dev.multiproc.WorkerDiedException} that says the channel was corrupted, and the jobs behind it go back
 * to the queue, as for a death. Without the check, one stray frame would shift every later
 * answer onto the wrong job, silently.
 *
 * <h2>Deadlines and cancellation</h2>
 * The first job in hand of a ready worker has been running since {@link Worker#headSince}: the
 * time its predecessor's answer was read, or the time it was sent to an idle worker. That is
 * never before it started, so a job is never timed out early; it may be late by the time an
 * answer takes to arrive. One timer per worker at most, on the engine's event loop, checks the
 * first job in hand; over the deadline, the job fails with {@link TaskTimeoutException} and the
 * worker is killed. {@code cancel(true)} of a running job kills its worker the same way. A job
 * not started is cancelled in the queue, or in a worker's hand by a SKIP frame, which the
 * worker reads before it starts each job.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A job is decided once: {@link Unit#settled} is set under the lock by whoever decides
 *   first (an answer, a deadline, a cancel, a death), and the others leave it alone.</li>
 *   <li>A kill races with the answer of the job it was meant for: the answer may be in the pipe
 *   already, and the worker may have started the next job. Then that next job is the first in
 *   hand at the death and fails with {@link dev.multiproc.WorkerDiedException}: a job runs at most once.</li>
 *   <li>The pipe of answers can end before the process has (a task that closes fd 4), and the
 *   process can end before its pipe does (a grandchild holding it). A death is handled once
 *   the exit status is known and the pipe has been read to its end or to what is in it.</li>
 *   <li>Outcomes are delivered after the lock is released: completing a future runs the user's
 *   stages, which may call back into the pool.</li>
 *   <li>A worker that fails to start is started again only if it may pass next time: a failure
 *   that would repeat (a bad JVM option, a missing class, an initializer that throws) breaks the
 *   pool, and every job fails with the reason, instead of starting workers forever; one killed
 *   by a signal or short of a resource is retried after a delay that doubles with each failure
 *   in a row ({@link StartTrouble}), as long as there is work or the pool runs.</li>
 * </ul>
 */
public final class PoolCore {
    /** The pool's life, in order. */
    enum State { RUNNING, SHUTDOWN, STOPPED, TERMINATED }

    private static final long STDERR_WAIT_MILLIS = 300;
    /**
     * Test-only: the build throws an {@link InternalError} after starting this many workers (one
     * more than the pool's number: after everything, its thread running).
     */
    private static final String FAIL_BUILD = "dev.multiproc.pool.failBuildAfterWorkers";
    /** The types of frame a worker may send. */
    private static final byte[] ANSWER_TYPES = {Protocol.READY, Protocol.INIT_FAILED, Protocol.RESULT,
            Protocol.FAILURE, Protocol.CHUNK_RESULT, Protocol.SKIPPED};
    /** How long a worker's job must have run before an idle worker takes the jobs queued behind it. */
    static final long STEAL_AFTER_NANOS = 2_000_000;

    private final PoolConfig config;
    private final Answers answers;
    private final PoolIo io;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Condition ended = lock.newCondition();
    private final JobQueue queue = new JobQueue();
    private final List<Worker> workers = new ArrayList<>();
    private int starting;
    private State state = State.RUNNING;
    private RuntimeException broken;
    /** Starts that failed since a worker last got ready, each one that may pass next time. */
    private int startFailuresInARow;
    /** Why the last of them failed. */
    private String lastStartTrouble;
    /** Starts waiting for their delay (see {@link StartTrouble}), counted in {@link #starting}. */
    private final Set<DelayedStart> delayed = new HashSet<>();
    private long workerCount;
    private final AtomicLong idCount = new AtomicLong();
    private int functionCount;
    private int rotation;
    private boolean stealCheckArmed;

    private PoolCore(PoolConfig config) throws ErrnoException {
        this.config = config;
        this.answers = new Answers(config.limits(), config.name());
        this.io = new PoolIo(this, config.name());
    }

    /**
     * Starts a pool: its thread, and its workers, whose JVMs start in the background. A build
     * that fails releases what it opened, whatever it throws: nothing is left running or open.
     *
     * @throws MultiprocException if a worker cannot be started (nothing is left running)
     */
    public static PoolCore start(PoolConfig config) {
        PoolCore core;
        try {
            core = new PoolCore(config);
        } catch (ErrnoException e) {
            throw new MultiprocException("cannot start " + config.name() + ": " + e.getMessage(), e);
        }
        List<Worker> started = new ArrayList<>();
        try {
            int failAfter = Integer.getInteger(FAIL_BUILD, -1);
            for (int i = 0; i < config.workers(); i++) {
                failForTesting(failAfter, i);
                started.add(core.launch(core.nextWorkerName()));
            }
            failForTesting(failAfter, config.workers());
            core.io.start();
            core.locked(batch -> {
                for (Worker w : started) {
                    core.join(w, batch);
                }
                return null;
            });
            failForTesting(failAfter, config.workers() + 1); // once its thread runs and its workers joined
            return core;
        } catch (Throwable t) {
            core.abandon(started);
            if (t instanceof MultiprocException m) {
                throw m;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new MultiprocException("cannot start the workers of " + config.name() + ": " + t.getMessage(), t);
        }
    }

    private static void failForTesting(int failAfter, int started) {
        if (failAfter == started) {
            throw new InternalError("failing the build after " + started + " workers, as " + FAIL_BUILD + " asks");
        }
    }

    /** Undoes a build that failed: kills {@code started}, closes their pipes, and ends the pool's thread and fds. */
    private void abandon(List<Worker> started) {
        lock.lock();
        try {
            state = State.TERMINATED;
        } finally {
            lock.unlock();
        }
        io.stop();
        for (Worker w : started) {
            io.unregister(w);
            w.jvm.child().signal(Signal.SIGKILL);
            w.outbox.close();
            w.jvm.closeAnswers();
        }
    }

    Batch newBatch() {
        return new Batch(answers);
    }

    // ---------------------------------------------------------------- submitting

    /**
     * Queues a task, given serialized; waits for room if the queue is full (not on the pool's
     * own thread).
     *
     * @param original the task as given, for {@code shutdownNow}'s list
     * @param loader resolves the classes of its result and exception here
     * @param runnable true if its value is {@code fixedResult}, not the answer
     * @return its future
     * @throws RejectedExecutionException if the pool is shut down, or the wait is interrupted
     */
    public <T> CompletableFuture<T> submit(byte[] payload, Object original, ClassLoader loader, boolean runnable,
                                           T fixedResult) {
        PoolFuture<T> future = new PoolFuture<>(this);
        TaskUnit unit = new TaskUnit(payload, future, original, loader, runnable, fixedResult);
        future.unit(unit);
        enqueue(unit);
        return future;
    }

    /**
     * Queues a task whose outcome nobody waits for: a failure is printed to stderr.
     *
     * @throws RejectedExecutionException if the pool is shut down, or a wait for room is interrupted
     */
    public void execute(byte[] payload, Object original, ClassLoader loader) {
        enqueue(new TaskUnit(payload, null, original, loader, true, null));
    }

    private void enqueue(TaskUnit unit) {
        locked(batch -> {
            rejectUnlessRunning();
            if (queue.tasks() >= config.queueCapacity() && !io.onPoolThread()) {
                while (queue.tasks() >= config.queueCapacity()) {
                    try {
                        room.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while waiting for room in the queue of "
                                + config.name() + " (queueCapacity " + config.queueCapacity() + ")");
                    }
                    rejectUnlessRunning();
                }
            }
            queue.add(unit);
            dispatch(batch);
            return null;
        });
    }

    /** Queues a map call. */
    void submit(MapCall call) {
        call.onDone(() -> io.post(batch -> forget(call, batch)));
        locked(batch -> {
            rejectUnlessRunning();
            queue.add(call);
            dispatch(batch);
            return null;
        });
    }

    private void rejectUnlessRunning() {
        if (state != State.RUNNING) {
            throw broken != null
                    ? new RejectedExecutionException(config.name() + " is broken: " + broken.getMessage(), broken)
                    : new RejectedExecutionException(config.name() + " is shut down: it takes no new tasks");
        }
    }

    /** A new id for a map call's function. */
    int newFunctionId() {
        lock.lock();
        try {
            return ++functionCount;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatch(Batch batch) {
        if (state.ordinal() >= State.STOPPED.ordinal()) {
            return;
        }
        while (true) {
            Worker w = pick();
            if (w == null) {
                return;
            }
            Unit unit = queue.next(room::signal);
            if (unit == null) {
                steal(batch);
                return;
            }
            give(w, unit, batch);
        }
    }

    /**
     * With nothing left to give and a worker idle, takes back up to half of the jobs waiting
     * behind a job that has run for {@link #STEAL_AFTER_NANOS}: they are skipped there (a
     * SKIP frame) and come back to the queue when the worker answers SKIPPED. If a worker's job
     * is not that old yet, a check is scheduled for when it will be.
     */
    private void steal(Batch batch) {
        long now = System.nanoTime();
        for (Worker idle : workers) {
            if (!idle.ready || idle.dying || idle.retiring || !idle.inHand.isEmpty()) {
                continue;
            }
            Worker victim = null;
            long soonest = Long.MAX_VALUE;
            for (Worker w : workers) {
                if (w.stuckBehindHead(now, STEAL_AFTER_NANOS) && unstarted(w) > 0
                        && (victim == null || unstarted(w) > unstarted(victim))) {
                    victim = w;
                } else if (w.stuckBehindHead(now, 0) && unstarted(w) > 0) {
                    soonest = Math.min(soonest, w.headSince + STEAL_AFTER_NANOS - now);
                }
            }
            if (victim == null) {
                if (soonest != Long.MAX_VALUE && !stealCheckArmed) {
                    stealCheckArmed = true;
                    Engine.get().loop().schedule(Math.max(soonest, 100_000), () -> io.post(b -> {
                        stealCheckArmed = false;
                        dispatch(b);
                    }));
                }
                return;
            }
            int take = Math.max(1, unstarted(victim) / 2);
            Iterator<Unit> tail = victim.inHand.descendingIterator();
            while (take > 0 && tail.hasNext()) {
                Unit u = tail.next();
                if (u != victim.inHand.peek() && !u.settled && !u.reclaiming) {
                    u.reclaiming = true;
                    skip(victim, u, batch);
                    take--;
                }
            }
        }
    }

    /** The jobs in {@code w}'s hand behind the first that could still be taken back. */
    private static int unstarted(Worker w) {
        int n = 0;
        boolean first = true;
        for (Unit u : w.inHand) {
            if (!first && !u.settled && !u.reclaiming) {
                n++;
            }
            first = false;
        }
        return n;
    }

    /** The worker to give the next job to: a ready one first, then the fewest jobs in hand. */
    private Worker pick() {
        Worker best = null;
        int n = workers.size();
        for (int i = 0; i < n; i++) {
            Worker w = workers.get((rotation + i) % n);
            if (w.hasRoom() && (best == null || (w.ready && !best.ready)
                    || (w.ready == best.ready && w.inHand.size() < best.inHand.size()))) {
                best = w;
            }
        }
        if (best != null && n > 0) {
            rotation = (rotation + 1) % n;
        }
        return best;
    }

    private void give(Worker w, Unit unit, Batch batch) {
        unit.worker = w;
        unit.seq = w.nextSeq++;
        w.jobsGiven = w.nextSeq;
        w.inHand.add(unit);
        w.given++;
        synchronized (w.outbox) {
            unit.encode(w.outbox.buffer(), w);
        }
        batch.touch(w.outbox);
        if (w.inHand.size() == 1 && w.ready) {
            startHead(w, System.nanoTime());
        }
        if (config.maxTasksPerWorker() > 0 && w.given >= config.maxTasksPerWorker() && !w.retiring) {
            w.retiring = true;
            ensureWorkers(batch);
        }
    }

    private void startHead(Worker w, long now) {
        w.headSince = now;
        if (config.taskTimeout() != null && !w.timerArmed) {
            armTimer(w, config.taskTimeout().toNanos());
        }
    }

    private void armTimer(Worker w, long nanos) {
        w.timerArmed = true;
        Engine.get().loop().schedule(nanos, () -> io.post(batch -> deadline(w, batch)));
    }

    // ---------------------------------------------------------------- the pool's thread

    /**
     * One turn on the pool's thread: the answers read, then the events posted, then dispatch;
     * under the lock.
     */
    void turn(Batch batch, List<Worker> readable, List<List<Protocol.Frame>> frames, Queue<PoolIo.Event> mailbox) {
        lock.lock();
        try {
            long now = System.nanoTime();
            for (int i = 0; i < readable.size(); i++) {
                answered(readable.get(i), frames.get(i), now, batch);
            }
            PoolIo.Event e;
            while ((e = mailbox.poll()) != null) {
                e.run(batch);
            }
            dispatch(batch);
            checkTermination(batch);
        } finally {
            lock.unlock();
        }
    }

    private void answered(Worker w, List<Protocol.Frame> frames, long now, Batch batch) {
        if (!workers.contains(w) || (w.channelFault != null && w.dying)) {
            return; // gone already, or its corruption is being dealt with
        }
        Unit head = w.inHand.peek();
        int count = 0;
        for (Protocol.Frame f : frames) {
            switch (f.type()) {
                case Protocol.READY -> {
                    if (w.ready || f.seq() != Protocol.NO_JOB) {
                        corrupt(w, "a second READY, or one for a job (" + f.seq() + ")", batch);
                        return;
                    }
                    w.ready = true;
                    w.headSince = now;
                    startFailuresInARow = 0;
                    lastStartTrouble = null;
                    head = null; // the first job in hand starts now
                }
                case Protocol.INIT_FAILED -> {
                    if (w.ready || f.seq() != Protocol.NO_JOB) {
                        corrupt(w, "an INIT_FAILED after READY, or for a job (" + f.seq() + ")", batch);
                        return;
                    }
                    breakPool(Failures.initializerFailed(config.name(), w, f.payload(), config.limits()), batch);
                    return;
                }
                case Protocol.SKIPPED -> {
                    if (!skipped(w, f.seq())) {
                        corrupt(w, "a SKIPPED for job " + f.seq() + ", which it does not hold", batch);
                        return;
                    }
                }
                default -> {
                    Unit u = w.inHand.peek();
                    if (!w.ready || u == null || u.seq != f.seq() || !u.answeredBy(f.type())) {
                        corrupt(w, "an answer " + FrameBuffer.describe(f.type()) + " for job " + f.seq() + ", where "
                                + (!w.ready ? "it was not ready" : u == null ? "it held no job"
                                        : "job " + u.seq + " was running"), batch);
                        return;
                    }
                    w.inHand.poll();
                    count++;
                    if (!u.settled) {
                        u.settled = true;
                        batch.answer(u, w, f);
                    }
                }
            }
        }
        if (w.channelFault != null) {
            corrupt(w, w.channelFault, batch);
            return;
        }
        if (count > 0) {
            w.measured(count, now - w.headSince);
        }
        if (w.inHand.peek() != head && w.ready) {
            if (!w.inHand.isEmpty()) {
                startHead(w, now);
            } else if (w.retiring) {
                closeInput(w, batch); // it has answered its last job: let it exit
            }
        }
        if (w.eof) {
            io.unregister(w);
            if (!w.dying && !(w.inputClosed && w.inHand.isEmpty())) {
                kill(w, null, batch); // its answers ended early: make sure the process ends too
            }
        }
    }

    /**
     * {@code w}'s channel cannot be trusted from here on: it is read no more and the worker is
     * killed; once it is gone, its running job fails with {@code why} and the others go back.
     */
    private void corrupt(Worker w, String why, Batch batch) {
        if (w.channelFault == null) {
            w.channelFault = why;
        }
        io.unregister(w);
        kill(w, null, batch);
    }

    /**
     * {@code w} skipped job {@code seq} as asked: a job taken back goes to the queue; a cancelled
     * one is gone. False if it holds no such job.
     */
    private boolean skipped(Worker w, int seq) {
        for (Iterator<Unit> it = w.inHand.iterator(); it.hasNext(); ) {
            Unit u = it.next();
            if (u.seq == seq) {
                it.remove();
                if (u.reclaiming && !u.settled) {
                    queue.giveBack(u); // taken back: an idle worker runs it
                }
                return true;
            }
        }
        return false;
    }

    private void deadline(Worker w, Batch batch) {
        w.timerArmed = false;
        if (w.dying || !w.ready || !workers.contains(w)) {
            return;
        }
        Unit head = w.inHand.peek();
        if (head == null) {
            return;
        }
        Duration timeout = config.taskTimeout();
        long due = w.headSince + timeout.toNanos();
        long now = System.nanoTime();
        if (now - due < 0) {
            armTimer(w, due - now);
            return;
        }
        if (!head.settled) {
            head.settled = true;
            batch.fail(head, new TaskTimeoutException("a task in " + config.name() + " ran longer than its timeout of "
                    + timeout + "; " + w + " was killed", timeout, w.pid()));
        }
        kill(w, head, batch);
    }

    private void kill(Worker w, Unit reason, Batch batch) {
        if (!w.dying) {
            w.dying = true;
            w.killedFor = reason;
            w.jvm.child().signal(Signal.SIGKILL);
        }
        ensureWorkers(batch);
    }

    private void closeInput(Worker w, Batch batch) {
        if (!w.inputClosed) {
            w.inputClosed = true;
            batch.close(w.outbox);
        }
    }

    /** On the pool's thread: {@code w}'s process has been reaped. */
    private void exited(Worker w, Batch batch) {
        if (!workers.contains(w)) {
            return;
        }
        answered(w, w.readAnswers(), System.nanoTime(), batch); // what it wrote before it died is in the pipe
        w.dying = true;
        io.unregister(w);
        ExitStatus status = w.jvm.child().exit().getNow(null);
        // Its stderr's tail explains its death: wait for the end of it, or STDERR_WAIT_MILLIS if a
        // grandchild holds it, with no thread of our own (a JVM short of threads must still see its
        // workers die): whichever comes first posts the verdict, the second finds it made.
        Runnable verdict = () -> io.post(b -> gone(w, status, w.jvm.stderrTail(0), b));
        w.jvm.stderrEnded().thenRun(verdict);
        Engine.get().loop().schedule(TimeUnit.MILLISECONDS.toNanos(STDERR_WAIT_MILLIS), verdict);
    }

    /** On the pool's thread: {@code w} is dead and its stderr read; decides what became of its jobs. */
    private void gone(Worker w, ExitStatus status, String tail, Batch batch) {
        if (!workers.remove(w)) {
            return;
        }
        w.outbox.close();
        w.jvm.closeAnswers();
        Unit head = w.inHand.poll();
        List<Unit> back = new ArrayList<>();
        if (head != null) {
            if (!w.ready) {
                back.add(head);
            } else if (!head.settled) {
                head.settled = true;
                batch.fail(head, w.channelFault != null
                        ? Failures.corrupted(config.name(), w, w.channelFault, status, tail)
                        : Failures.died(config.name(), w, status, tail));
            }
        }
        for (Unit u : w.inHand) {
            if (!u.settled) {
                back.add(u);
            }
        }
        w.inHand.clear();
        queue.giveBack(back);
        boolean failedStart = !w.ready && w.killedFor == null && !ExitStatus.exited(0).equals(status)
                && (state == State.RUNNING || state == State.SHUTDOWN);
        if (failedStart) {
            if (w.channelFault == null && StartTrouble.mayPassExit(status, tail)) {
                startFailed(Failures.describeStart(w, status, tail), batch);
                return;
            }
            breakPool(w.channelFault != null
                    ? Failures.corruptedAtStart(config.name(), w, w.channelFault, status, tail)
                    : Failures.couldNotStart(config.name(), w, status, tail), batch);
            return;
        }
        ensureWorkers(batch);
    }

    /** A start failed in a way that may pass: the next one waits a little longer (see {@link StartTrouble}). */
    private void startFailed(String why, Batch batch) {
        startFailuresInARow++;
        lastStartTrouble = why;
        ensureWorkers(batch);
    }

    /** Breaks the pool: every job fails with {@code why}, every worker is killed, nothing more is taken. */
    private void breakPool(RuntimeException why, Batch batch) {
        if (broken != null) {
            return;
        }
        broken = why;
        if (state.ordinal() < State.STOPPED.ordinal()) {
            state = State.STOPPED;
        }
        for (Unit u : drainQueues(batch, why)) {
            batch.fail(u, why);
        }
        for (Worker w : workers) {
            for (Unit u : w.inHand) {
                if (!u.settled) {
                    u.settled = true;
                    batch.fail(u, why);
                }
            }
            kill(w, null, batch);
        }
        room.signalAll();
    }

    /** Takes every job out of the queue: the task units (settled now); map calls' elements fail with {@code why}. */
    private List<Unit> drainQueues(Batch batch, RuntimeException why) {
        return queue.drain(call -> {
            batch.failElements(call, call.next, call.size, why);
            call.next = call.size;
        });
    }

    /**
     * Keeps the pool at its number of workers while it has (or may get) work: starts the
     * missing ones, at once or, after failed starts, once their delay has passed.
     */
    private void ensureWorkers(Batch batch) {
        if (broken != null || !(state == State.RUNNING || (state == State.SHUTDOWN && hasWork()))) {
            return;
        }
        int serving = starting;
        for (Worker w : workers) {
            if (!w.dying && !w.retiring) {
                serving++;
            }
        }
        long delay = StartTrouble.delayNanos(startFailuresInARow);
        for (; serving < config.workers(); serving++) {
            starting++;
            String name = nextWorkerName();
            if (delay == 0) {
                startReplacement(name, batch);
            } else {
                DelayedStart later = new DelayedStart(name);
                delayed.add(later);
                Engine.get().loop().schedule(delay, () -> io.post(b -> {
                    if (delayed.remove(later)) {
                        startReplacement(later.name(), b);
                    }
                }));
            }
        }
    }

    /** A worker to start once its delay has passed; forgotten if the pool no longer needs it. */
    private static final class DelayedStart {
        private final String name;

        DelayedStart(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }
    }

    /**
     * Starts worker {@code name} on the pool's own thread, once the current turn is over and
     * outside the lock (counted in {@link #starting}); under the lock. Not on a thread of its
     * own: in a JVM short of threads a new one may never run (a virtual thread waiting for a
     * carrier the JVM cannot create), and with it every thread queued behind it on the lock.
     */
    private void startReplacement(String name, Batch batch) {
        io.errand(() -> replacement(name));
    }

    private String nextWorkerName() {
        return config.name() + "-worker-" + (++workerCount);
    }

    /** On the pool's thread, outside the lock: starts a worker to replace one, and puts it to work. */
    private void replacement(String name) {
        boolean needed = locked(batch -> {
            if (broken == null && state.ordinal() < State.STOPPED.ordinal()) {
                return true;
            }
            starting--;
            checkTermination(batch);
            return false;
        });
        if (!needed) {
            return;
        }
        Worker w;
        try {
            w = launch(name);
        } catch (Throwable e) {
            locked(batch -> {
                starting--;
                if (StartTrouble.mayPassSpawn(e)) {
                    startFailed("cannot start " + name + ": " + e, batch);
                } else {
                    breakPool(Failures.cannotSpawn(config.name(), e), batch);
                }
                checkTermination(batch);
                return null;
            });
            return;
        }
        locked(batch -> {
            starting--;
            join(w, batch);
            return null;
        });
    }

    private Worker launch(String name) throws IOException {
        int key = ThreadLocalRandom.current().nextInt();
        WorkerJvm jvm = WorkerJvm.start(config.worker(), new WorkerSetup(name, config.limits().pattern(),
                config.initializer(), key));
        return new Worker(idCount.incrementAndGet(), name, jvm, key,
                new FrameBuffer(1 << 16, config.limits().maxBytes(), key, ANSWER_TYPES));
    }

    /** Adds a started worker; under the lock. */
    private void join(Worker w, Batch batch) {
        workers.add(w);
        if (state.ordinal() >= State.STOPPED.ordinal()) {
            kill(w, null, batch);
        } else {
            try {
                io.register(w);
            } catch (ErrnoException e) {
                kill(w, null, batch);
            }
        }
        w.jvm.child().exit().whenComplete((status, e) -> io.post(b -> exited(w, b)));
        dispatch(batch);
        checkTermination(batch);
    }

    /** Tells the workers that have {@code call}'s function to drop it. */
    private void forget(MapCall call, Batch batch) {
        for (Worker w : workers) {
            if (w.functions.remove(call.fnId) != null && !w.dying && !w.inputClosed) {
                w.outbox.appendInt(Protocol.FORGET, call.fnId);
                batch.touch(w.outbox);
            }
        }
    }

    // ---------------------------------------------------------------- cancelling

    /**
     * Cancels a task: true if it will not run (or, with {@code mayInterrupt}, was running and
     * its worker is being killed), false if it was decided already or runs and may not be stopped.
     */
    boolean cancel(TaskUnit unit, boolean mayInterrupt) {
        return locked(batch -> {
            if (unit.settled) {
                return false;
            }
            Worker w = unit.worker;
            if (w == null) {
                unit.settled = true;
                if (queue.remove(unit)) {
                    room.signal();
                }
                return true;
            }
            if (w.ready && w.inHand.peek() == unit) {
                if (!mayInterrupt) {
                    return false;
                }
                unit.settled = true;
                kill(w, unit, batch);
                return true;
            }
            unit.settled = true;
            skip(w, unit, batch);
            return true;
        });
    }

    private void skip(Worker w, Unit unit, Batch batch) {
        if (w.dying || w.inputClosed) {
            return;
        }
        w.outbox.appendInt(Protocol.SKIP, unit.seq);
        batch.touch(w.outbox);
    }

    /** Cancels what of a map call has not started; what runs finishes, its result unused. */
    void cancel(MapCall call) {
        locked(batch -> {
            if (call.cancelled) {
                return null;
            }
            CancellationException why = new CancellationException("the map call was cancelled");
            batch.failElements(call, call.next, call.size, why);
            call.next = call.size;
            call.cancelled = true;
            for (Unit u : queue.remove(call)) {
                if (!u.settled) {
                    u.settled = true;
                    batch.fail(u, why);
                }
            }
            for (Worker w : workers) {
                for (Unit u : w.inHand) {
                    if (u instanceof MapUnit m && m.call == call && !u.settled) {
                        u.settled = true;
                        batch.fail(u, why);
                        if (!(w.ready && w.inHand.peek() == u)) {
                            skip(w, u, batch);
                        }
                    }
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- shutting down

    /** No new tasks; what is queued still runs; the workers end after it. */
    public void shutdown() {
        locked(batch -> {
            if (state == State.RUNNING) {
                state = State.SHUTDOWN;
            }
            room.signalAll();
            checkTermination(batch);
            return null;
        });
    }

    /**
     * No new tasks, queued ones are taken back (their futures cancelled), running ones are
     * stopped (their workers killed): returns the tasks that had not started, as given.
     */
    public List<Object> shutdownNow() {
        return locked(batch -> {
            if (state.ordinal() < State.STOPPED.ordinal()) {
                state = State.STOPPED;
            }
            List<Object> unstarted = new ArrayList<>();
            CancellationException why = new CancellationException(config.name() + " was shut down");
            for (Worker w : workers) {
                Unit running = w.ready ? w.inHand.peek() : null;
                for (Unit u : w.inHand) {
                    if (!u.settled) {
                        u.settled = true;
                        batch.cancel(u);
                        if (u != running && u instanceof TaskUnit t) {
                            unstarted.add(t.original);
                        }
                    }
                }
                kill(w, null, batch);
            }
            for (Unit u : drainQueues(batch, why)) {
                batch.cancel(u);
                if (u instanceof TaskUnit t) {
                    unstarted.add(t.original);
                }
            }
            room.signalAll();
            checkTermination(batch);
            return unstarted;
        });
    }

    private boolean hasWork() {
        if (!queue.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.inHand.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void checkTermination(Batch batch) {
        if (state == State.RUNNING || state == State.TERMINATED) {
            return;
        }
        boolean work = state == State.SHUTDOWN && hasWork();
        if (!work && !delayed.isEmpty()) {
            starting -= delayed.size(); // no work for the workers still waiting to start
            delayed.clear();
        }
        for (Worker w : workers) {
            if (!work && w.inHand.isEmpty()) {
                closeInput(w, batch); // end of file: it exits with 0
            }
        }
        if (!work && workers.isEmpty() && starting == 0) {
            state = State.TERMINATED;
            ended.signalAll();
            io.stop();
        }
    }

    /** True after {@link #shutdown} or {@link #shutdownNow}, or once the pool broke. */
    public boolean isShutdown() {
        lock.lock();
        try {
            return state != State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    /** True once shut down and every worker has ended. */
    public boolean isTerminated() {
        lock.lock();
        try {
            return state == State.TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for {@link #isTerminated}. */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (state != State.TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = ended.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The process ids of the workers now, those starting excepted. */
    public List<Long> workerPids() {
        lock.lock();
        try {
            List<Long> pids = new ArrayList<>();
            for (Worker w : workers) {
                if (!w.dying && !w.retiring) {
                    pids.add(w.pid());
                }
            }
            return pids;
        } finally {
            lock.unlock();
        }
    }

    /** The pool's settings. */
    public PoolConfig config() {
        return config;
    }

    /** One line about the pool's state, for {@code toString}. */
    public String describe() {
        lock.lock();
        try {
            int inHand = 0;
            for (Worker w : workers) {
                inHand += w.inHand.size();
            }
            return state.name().toLowerCase(java.util.Locale.ROOT) + ", " + workers.size() + " workers, "
                    + inHand + " jobs in hand, " + queue.size() + " queued"
                    + (startFailuresInARow == 0 || broken != null ? "" : ", " + startFailuresInARow
                            + " worker starts failed in a row, retrying (the last: " + lastStartTrouble + ")");
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- locking

    private interface Action<T> {
        T run(Batch batch);
    }

    /** Runs {@code action} under the lock; then sends what it appended and delivers what it decided. */
    private <T> T locked(Action<T> action) {
        Batch batch = newBatch();
        T result;
        lock.lock();
        try {
            result = action.run(batch);
        } finally {
            lock.unlock();
            batch.send();
            batch.deliver();
        }
        return result;
    }
}
