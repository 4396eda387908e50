package dev.multiproc;

import dev.multiproc.internal.jvm.JvmConfig;
import dev.multiproc.internal.launch.Checks;
import dev.multiproc.internal.pool.PoolConfig;
import dev.multiproc.internal.pool.PoolCore;
import dev.multiproc.internal.pool.RunnableCall;
import dev.multiproc.internal.pool.TaskBytes;
import dev.multiproc.internal.pool.UnstartedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of worker JVMs that runs Java tasks: Python's {@code Pool} and
 * {@code ProcessPoolExecutor}, as a plain {@link ExecutorService}.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.builder().workers(4).build()) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 *     CompletableFuture<Long> sum = pool.submit(() -> LongStream.range(0, 1_000_000).sum());
 * }
 * }</pre>
 *
 * <p>Each worker is a child JVM started like a {@link JvmProcess} child (this JVM's
 * {@code java}, class path, module path and access options, plus the builder's options). A task
 * is serialized here, runs in a worker, and its value or exception comes back; a worker runs
 * its tasks one at a time, in the order it got them, and serves until the pool is shut down.
 *
 * <p><b>Failures stay with their task.</b> A task that throws fails its future with its own
 * exception (as any executor: {@link ExecutionException#getCause()} is what the task threw,
 * with the worker's stack trace), or with a {@link ChildFailedException} when that exception's
 * class is missing here. A worker that dies while it runs a task ({@code System.exit}, an
 * {@code OutOfMemoryError}, a crash, SIGKILL) fails that task with a
 * {@link WorkerDiedException} and nothing else: the tasks queued behind it go to other
 * workers, and a new worker takes its place. A task over the {@link Builder#taskTimeout task
 * timeout} fails with {@link TaskTimeoutException}, and its worker is killed and replaced. A
 * result that cannot be read here (its class is missing, its {@code readObject} throws, even an
 * {@code Error}, the deserialization limits refuse it) fails its future with a
 * {@link MultiprocException} carrying why; a task that writes onto its worker's channel to the
 * pool has its worker killed and fails with a {@link WorkerDiedException} saying the channel was
 * corrupted: no answer is ever taken for another task's.
 *
 * <p><b>Starting workers.</b> A pool breaks (every task fails, new ones are rejected, and the
 * failure says why) only when a worker cannot start for a reason that would repeat: the JVM
 * refuses an option, a class is missing, the initializer throws, {@code java} cannot be run. A
 * worker killed while it starts, or one that cannot start for lack of processes, threads, memory
 * or fds, is started again after 100 ms, doubling with each failure in a row up to 5 s.
 *
 * <p><b>Cancelling.</b> {@code cancel(false)} cancels a task that has not started;
 * {@code cancel(true)} also stops a running one, by killing its worker (a thread cannot be
 * stopped safely, a process can).
 *
 * <p><b>Lifetime.</b> {@link #shutdown()} takes no new tasks and lets the queued ones run;
 * {@link #shutdownNow()} also takes back the queued ones and kills the running ones;
 * {@link #close()} is {@code shutdown()} and a wait for the end (Java's contract, not
 * Python's {@code terminate()}). Workers never outlive the pool, nor this JVM: they are daemon
 * children, terminated when this JVM exits, and they halt within a second if it is killed.
 * An open pool does not keep this JVM alive.
 *
 * <p><b>Threads.</b> A pool adds one platform thread, however many workers and tasks it has.
 * Stages chained on its futures without {@code Async} run on that thread when the task ends;
 * one that blocks for long makes the pool start another thread to read answers meanwhile.
 */
public final class ProcessPool extends PoolMaps implements WorkerPool {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final PoolCore core;

    private ProcessPool(PoolCore core) {
        this.core = core;
    }

    @Override
    PoolCore core() {
        return core;
    }

    /** A builder for a pool; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Runs {@code task} in a worker. A lambda given to {@code submit} is a {@code Task}, and so
     * serializable.
     *
     * @return a future completed with the task's value, or failed with its exception (see the
     *     class comment)
     * @throws IllegalArgumentException if the task cannot be serialized; the message names what
     *     is not serializable and the way to it
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> CompletableFuture<T> submit(Task<T> task) {
        return call(task, Objects.requireNonNull(task, "task"));
    }

    /**
     * Runs {@code task} in a worker; a lambda given to {@code submit} that returns nothing is
     * one of these.
     *
     * @return a future completed with null when the task is done
     * @throws IllegalArgumentException if the task cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    public CompletableFuture<Void> submit(SerializableRunnable task) {
        return run(task, null);
    }

    /**
     * Runs {@code command} in a worker; an exception it throws is printed to this JVM's stderr,
     * as an uncaught exception in a thread is.
     *
     * @throws IllegalArgumentException if the command cannot be serialized
     * @throws RejectedExecutionException if the pool is shut down
     */
    public void execute(SerializableRunnable command) {
        send(Objects.requireNonNull(command, "command"));
    }

    @Override
    <T> CompletableFuture<T> call(Callable<T> task, Callable<?> original) {
        return core.submit(TaskBytes.carrying(task), new UnstartedTask(original), TaskBytes.loader(task), false, null);
    }

    @Override
    <T> CompletableFuture<T> run(Runnable task, T result) {
        return core.submit(TaskBytes.carrying(new RunnableCall(task)), task, TaskBytes.loader(task), true, result);
    }

    @Override
    void send(Runnable command) {
        core.execute(TaskBytes.carrying(new RunnableCall(command)), command, TaskBytes.loader(command));
    }

    // ---------------------------------------------------------------- map

    // ---------------------------------------------------------------- lifetime

    /** Takes no new tasks; those queued and running go on, then the workers exit. Does not wait. */
    @Override
    public void shutdown() {
        core.shutdown();
    }

    /**
     * Takes no new tasks, takes back those not started (their futures are cancelled) and kills
     * the workers running the others (their futures are cancelled too). Does not wait.
     *
     * @return the tasks that had not started, as given ({@code execute}'s and {@code submit}'s
     *     {@code Runnable}s), or as a {@code Runnable} that calls them (a {@code Callable}'s);
     *     the inputs of a {@code map} are not in it: that call fails with
     *     {@link CancellationException}
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> tasks = new ArrayList<>();
        for (Object o : core.shutdownNow()) {
            tasks.add((Runnable) o);
        }
        return tasks;
    }

    /** True once {@link #shutdown()} or {@link #shutdownNow()} was called, or the pool broke. */
    @Override
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /** True once the pool is shut down and every worker has ended. */
    @Override
    public boolean isTerminated() {
        return core.isTerminated();
    }

    /** Waits up to {@code timeout} for the pool to terminate; true if it did. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return core.awaitTermination(unit.toNanos(timeout));
    }

    /**
     * Shuts the pool down and waits until every queued task has run and every worker has
     * ended (Java's {@code close}, not Python's {@code terminate()}). If interrupted while
     * waiting, calls {@link #shutdownNow()}, goes on waiting, and keeps the interrupt.
     */
    @Override
    public void close() {
        super.close(); // ExecutorService's: shutdown, wait; shutdownNow once if interrupted, keeping the interrupt
    }

    // ---------------------------------------------------------------- about

    /** The name given to the builder, or {@code ProcessPool-N}. */
    public String name() {
        return core.config().name();
    }

    /** How many workers the pool keeps. */
    public int workers() {
        return core.config().workers();
    }

    /**
     * The process ids of the workers serving now (not those starting, or ending); a snapshot,
     * for monitoring.
     */
    public List<Long> workerPids() {
        return core.workerPids();
    }

    @Override
    public String toString() {
        return "ProcessPool[" + name() + ", " + core.describe() + "]";
    }

    /**
     * Settings for a pool. Every setting has a default; {@link #build()} starts a pool with the
     * settings of that moment. The settings of its workers (their name, options, properties,
     * environment, directory, redirects and filter) mean what they mean for a
     * {@link JvmProcess.Builder}, and those it shares with {@link Command} mean the same there
     * too; called twice, a setting of one value takes the last value given, and the options,
     * properties and variables add up. A pool has no {@code daemon} or {@code survivesParent}:
     * its workers are daemons that end with it.
     */
    public static final class Builder extends JvmBuilder<Builder> {
        private int workers = Runtime.getRuntime().availableProcessors();
        private Task<?> initializer;
        private int maxTasksPerWorker;
        private Duration taskTimeout;
        private int queueCapacity = Integer.MAX_VALUE;

        private Builder() {
            super(JvmConfig.forWorkers(), "a pool's workers", false);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How many worker JVMs the pool keeps; default: the number of processors.
         *
         * @throws IllegalArgumentException if {@code workers} is less than 1
         */
        public Builder workers(int workers) {
            this.workers = Checks.atLeast(workers, 1, "workers");
            return this;
        }

        /**
         * A task each worker runs once, before its first task (to open a connection, load a
         * model...); what it leaves in static fields, the worker's tasks see. If it throws, the
         * pool is broken: every task fails with a {@link WorkerDiedException} whose cause is its
         * exception, and the pool takes no more.
         *
         * @throws IllegalArgumentException if the task cannot be serialized
         */
        public Builder initializer(Task<?> initializer) {
            Objects.requireNonNull(initializer, "initializer");
            TaskBytes.serialize(initializer);
            this.initializer = initializer;
            return this;
        }

        /**
         * Replaces a worker after it was given {@code tasks} tasks (a chunk of a map counts as
         * one), as Python's {@code maxtasksperchild}; default: never. Its replacement starts
         * while it finishes them.
         *
         * @throws IllegalArgumentException if {@code tasks} is less than 1
         */
        public Builder maxTasksPerWorker(int tasks) {
            this.maxTasksPerWorker = Checks.atLeast(tasks, 1, "maxTasksPerWorker");
            return this;
        }

        /**
         * How long one task (a chunk, in a chunked map) may run; over it, the task fails with
         * {@link TaskTimeoutException} and its worker is killed and replaced. Default: no limit.
         * The time counts from when the worker started it, as far as this JVM can tell: a task
         * is never stopped early, and may be stopped a little late.
         *
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = Checks.positive(timeout, "taskTimeout");
            return this;
        }

        /**
         * How many submitted tasks may wait for a worker; default: no limit. When the queue is
         * full, {@code submit} and {@code execute} wait for room (back-pressure), and throw
         * {@link RejectedExecutionException} if interrupted meanwhile or if the pool is shut
         * down. A submission from a stage running on the pool's own thread does not wait, so
         * that it cannot deadlock the pool: it may go over the capacity. {@code map} calls are
         * not counted: their inputs are in memory already.
         *
         * @throws IllegalArgumentException if {@code capacity} is less than 1
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = Checks.atLeast(capacity, 1, "queueCapacity");
            return this;
        }

        /**
         * Starts a pool with these settings. Its workers' JVMs start in the background; tasks
         * submitted meanwhile wait for them.
         *
         * @throws ProcessStartException if a worker's JVM cannot be started (such as a missing
         *     {@code java} or working directory); nothing is left running then
         * @throws MultiprocException if the pool cannot be started for another reason; nothing
         *     is left running then
         */
        public ProcessPool build() {
            JvmConfig named = config.name() != null ? config : config.withName("ProcessPool-" + COUNTER.incrementAndGet());
            byte[] init = initializer == null ? new byte[0] : TaskBytes.serialize(initializer);
            return new ProcessPool(PoolCore.start(new PoolConfig(named, workers, init, maxTasksPerWorker,
                    taskTimeout, queueCapacity)));
        }
    }
}
