package dev.multiproc.internal.pool;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.wire.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A process pool: its lock, its life, and the calls of {@code ProcessPool} (submit, cancel,
 * shut down). The decisions are made by its parts, all under its lock: {@link Dispatch} gives
 * jobs to workers and takes them back, {@link Answers} binds the workers' answers to their jobs,
 * {@link Cancels} takes jobs back before their answer, {@link Deadlines} kills a worker whose job
 * runs too long, and {@link Lifecycle} starts, replaces and ends workers. {@link PoolIo} is the
 * pool's thread.
 *
 * <h2>Turns</h2>
 * Everything that changes the pool is a turn under its lock: a submission, a cancel, a shutdown,
 * the answers the pool's thread read and the events posted to it (a worker's exit, a deadline).
 * Every turn ends the same way: the queued jobs are given to the workers that have room (unless
 * the pool is stopped), the pool checks whether it has ended, and threads waiting for room in
 * the queue are woken when there is room or no point in waiting. What a turn decided is done
 * after the lock is released ({@link Batch}): frames are written, then outcomes delivered,
 * because completing a future runs the user's stages, which may call back into the pool.
 */
public final class PoolCore {
    private final PoolConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Condition ended = lock.newCondition();
    private final PoolState state;
    private final Delivery delivery;
    private final ConcurrentLinkedQueue<Consumer<Batch>> mailbox = new ConcurrentLinkedQueue<>();
    private final PoolIo<WorkerLink> io;
    private final Dispatch dispatch;
    private final Cancels cancels;
    private final Deadlines deadlines;
    private final Lifecycle lifecycle;
    private final Waiting waiting = new Waiting(this);
    private int functionCount;

    private PoolCore(PoolConfig config) throws ErrnoException {
        this.config = config;
        this.state = new PoolState(config.name());
        this.delivery = new Delivery(config.limits(), config.name());
        this.io = new PoolIo<>(config.name(), this::turn);
        PoolActions actions = new PoolActions(config, this::post);
        this.dispatch = new Dispatch(config.maxTasksPerWorker(), System::nanoTime, actions);
        this.cancels = new Cancels(dispatch, actions);
        this.deadlines = new Deadlines(config.taskTimeout(), config.name(), dispatch, actions,
                (nanos, event) -> Engine.get().loop().schedule(nanos, () -> post(event)), System::nanoTime);
        this.lifecycle = new Lifecycle(config, state, dispatch, cancels, io, new Lifecycle.Turns() {
            @Override
            public void locked(Consumer<Batch> action) {
                PoolCore.this.locked(action);
            }

            @Override
            public void post(Consumer<Batch> event) {
                PoolCore.this.post(event);
            }
        }, actions);
        actions.wire(lifecycle, deadlines, dispatch);
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
        core.lifecycle.startAll();
        return core;
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
    public <T> CompletableFuture<T> submit(TaskBytes.Payload payload, Object original, ClassLoader loader,
                                           boolean runnable, T fixedResult) {
        PoolFuture<T> future = new PoolFuture<>(this);
        TaskUnit unit = new TaskUnit(payload.bytes(), payload.carried(), future, original, loader, runnable,
                fixedResult);
        future.unit(unit);
        enqueue(unit);
        return future;
    }

    /**
     * Queues a task whose outcome nobody waits for: a failure is printed to stderr.
     *
     * @throws RejectedExecutionException if the pool is shut down, or a wait for room is interrupted
     */
    public void execute(TaskBytes.Payload payload, Object original, ClassLoader loader) {
        enqueue(new TaskUnit(payload.bytes(), payload.carried(), null, original, loader, true, null));
    }

    private void enqueue(TaskUnit unit) {
        try {
            enqueueLocked(unit);
        } catch (RuntimeException | Error e) {
            if (unit.carried() != null) {
                unit.carried().discard(); // refused: the handles stay the caller's
            }
            throw e;
        }
    }

    private void enqueueLocked(TaskUnit unit) {
        locked(batch -> {
            state.rejectUnlessRunning();
            if (dispatch.queue().tasks() >= config.queueCapacity() && !io.onPoolThread()) {
                while (dispatch.queue().tasks() >= config.queueCapacity()) {
                    try {
                        room.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while waiting for room in the queue of "
                                + config.name() + " (queueCapacity " + config.queueCapacity() + ")");
                    }
                    state.rejectUnlessRunning();
                }
            }
            dispatch.queue().add(unit);
        });
    }

    /** Queues a map call. */
    void submit(MapCall call) {
        call.onDone(() -> post(batch -> dispatch.forget(call, batch)));
        try {
            locked(batch -> {
                state.rejectUnlessRunning();
                dispatch.queue().add(call);
            });
        } catch (RuntimeException | Error e) {
            if (call.fds != null) {
                call.fds.discard(); // refused: the handles stay the caller's
            }
            throw e;
        }
    }

    /** A new id for a map call's function. */
    int newFunctionId() {
        return read(() -> ++functionCount);
    }

    // ---------------------------------------------------------------- cancelling

    /** See {@link Cancels#cancel(TaskUnit, boolean, Batch)}. */
    boolean cancel(TaskUnit unit, boolean mayInterrupt) {
        boolean[] cancelled = {false};
        locked(batch -> cancelled[0] = cancels.cancel(unit, mayInterrupt, batch));
        return cancelled[0];
    }

    /** Cancels what of a map call has not started; what runs finishes, its result unused. */
    void cancel(MapCall call) {
        locked(batch -> cancels.cancel(call, batch));
    }

    // ---------------------------------------------------------------- shutting down

    /** No new tasks; what is queued still runs; the workers end after it. */
    public void shutdown() {
        locked(batch -> state.shutdown());
    }

    /**
     * No new tasks, queued ones are taken back (their futures cancelled), running ones are
     * stopped (their workers killed): returns the tasks that had not started, as given.
     */
    public List<Object> shutdownNow() {
        List<Object> unstarted = new ArrayList<>();
        locked(batch -> {
            state.stop();
            unstarted.addAll(cancels.cancelAll(config.name(), batch));
        });
        return unstarted;
    }

    /** True after {@link #shutdown} or {@link #shutdownNow}, or once the pool broke. */
    public boolean isShutdown() {
        return read(() -> !state.isRunning());
    }

    /** True once shut down and every worker has ended. */
    public boolean isTerminated() {
        return read(() -> state.life() == PoolState.Life.TERMINATED);
    }

    /** Waits up to {@code nanos} for {@link #isTerminated}. */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (state.life() != PoolState.Life.TERMINATED) {
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
        return read(lifecycle::pids);
    }

    /** The pool's settings. */
    public PoolConfig config() {
        return config;
    }

    /** One line about the pool's state, for {@code toString}. */
    public String describe() {
        return read(() -> {
            int inHand = 0;
            for (Worker w : dispatch.workers()) {
                inHand += w.inHand();
            }
            return state.life().name().toLowerCase(Locale.ROOT) + ", " + dispatch.workers().size() + " workers, "
                    + inHand + " jobs in hand, " + dispatch.queue().size() + " queued" + lifecycle.trouble();
        });
    }

    private <T> T read(Supplier<T> what) {
        lock.lock();
        try {
            return what.get();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- turns

    /** Runs {@code action} under the lock and ends the turn; then sends what it appended and delivers what it decided. */
    private void locked(Consumer<Batch> action) {
        Batch batch = new Batch(delivery);
        lock.lock();
        try {
            action.accept(batch);
            endTurn(batch);
        } finally {
            lock.unlock();
            batch.send();
            batch.deliver();
        }
    }

    // ---------------------------------------------------------------- a waiter reads, see Waiting

    /** Reads for {@code future} while the caller would wait for it, up to {@code nanos}; see {@link Waiting}. */
    void await(PoolFuture<?> future, long nanos) {
        waiting.await(future, nanos);
    }

    /** True if the calling thread is one of the pool's own. */
    boolean onPoolThread() {
        return io.onPoolThread();
    }

    /** Claims the answers of the worker that holds {@code unit} for {@code t}, or returns null. */
    WorkerLink claim(TaskUnit unit, Thread t) {
        return read(() -> lifecycle.claim(unit, t));
    }

    /** A turn of {@code t} on the link it claimed: its answers taken in, the turn ended, what it appended sent. */
    Batch readClaimed(WorkerLink link, Thread t) {
        Batch batch = new Batch(delivery);
        lock.lock();
        try {
            if (link.claimedBy(t)) {
                lifecycle.answered(link, link.read(), System.nanoTime(), batch);
            }
            endTurn(batch);
        } finally {
            lock.unlock();
        }
        batch.send();
        return batch;
    }

    /** Gives a claimed link back to the pool's thread. */
    void release(WorkerLink link) {
        read(() -> {
            lifecycle.release(link);
            return null;
        });
    }

    /** Runs {@code event} on the pool's thread, under the lock, soon. From any thread. */
    void post(Consumer<Batch> event) {
        mailbox.add(event);
        io.wake();
    }

    /** On the pool's thread: takes in what the workers in {@code readable} answered, and the events posted. */
    private Runnable turn(List<WorkerLink> readable) {
        Batch batch = new Batch(delivery);
        try {
            lock.lock();
            try {
                long now = System.nanoTime();
                for (WorkerLink link : readable) {
                    if (!link.claimed()) { // else its claimant reads it (see Waiting)
                        lifecycle.answered(link, link.read(), now, batch);
                    }
                }
                Consumer<Batch> event;
                while ((event = mailbox.poll()) != null) {
                    event.accept(batch);
                }
                endTurn(batch);
                io.pauseAfterTurn(state.isStopped() ? 0 : dispatch.pause());
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            // A bug of ours must not stop the pool's only reader: say it, go on.
            System.getLogger(PoolCore.class.getName()).log(System.Logger.Level.ERROR,
                    config.name() + ": a turn failed", e);
        }
        batch.send();
        return batch::deliver;
    }

    /** How every turn ends: see the class comment. */
    private void endTurn(Batch batch) {
        if (!state.isStopped()) {
            dispatch.dispatch(batch);
        }
        checkTermination(batch);
        if (lock.hasWaiters(room)
                && (!state.isRunning() || dispatch.queue().tasks() < config.queueCapacity())) {
            room.signalAll();
        }
    }

    private void checkTermination(Batch batch) {
        PoolState.Life life = state.life();
        if (life == PoolState.Life.RUNNING || life == PoolState.Life.TERMINATED) {
            return;
        }
        boolean work = life == PoolState.Life.SHUTDOWN && dispatch.hasWork();
        if (lifecycle.wind(work, batch)) {
            state.terminate();
            ended.signalAll();
            io.stop();
        }
    }
}
