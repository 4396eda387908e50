package dev.multiproc;

import dev.multiproc.internal.pool.Invocations;
import dev.multiproc.internal.pool.TaskBytes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calls {@link ProcessPool} takes as any {@link ExecutorService} does, with the JDK's
 * {@code Runnable} and {@code Callable}: each task is refused, with how to make it so, unless
 * it is {@link Serializable}, since it must travel to a worker JVM; and {@code invokeAll} and
 * {@code invokeAny}, which cancel what is left by killing the workers that run it. The pool's
 * own calls (its {@code Task}, {@code SerializableRunnable}, {@code map}) are the pool's.
 */
abstract sealed class SerializableExecutor implements ExecutorService permits PoolMaps {

    /** Sends {@code task}, already checked, to a worker; {@code original} is what {@code shutdownNow} gives back. */
    abstract <T> CompletableFuture<T> call(Callable<T> task, Callable<?> original);

    /** Sends {@code task}, already checked, to a worker; the future's value is {@code result}. */
    abstract <T> CompletableFuture<T> run(Runnable task, T result);

    /** Sends {@code command}, already checked, to a worker, with no future. */
    abstract void send(Runnable command);

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        TaskBytes.requireSerializable(task, "Callable", TaskBytes.CALLABLE_ADVICE);
        return call(task, task);
    }

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submit(task, null);
    }

    /**
     * Runs {@code task} in a worker, if it is {@link Serializable}; the future's value is
     * {@code result}, which stays in this JVM.
     *
     * @throws IllegalArgumentException if the task is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        TaskBytes.requireSerializable(task, "Runnable", TaskBytes.RUNNABLE_ADVICE);
        return run(task, result);
    }

    /**
     * Runs {@code command} in a worker, if it is {@link Serializable}; see
     * {@link ProcessPool#execute(SerializableRunnable)}.
     *
     * @throws IllegalArgumentException if the command is not serializable, with how to make it so
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        TaskBytes.requireSerializable(command, "Runnable", TaskBytes.RUNNABLE_ADVICE);
        send(command);
    }

    /**
     * Runs every task and waits until all are done.
     *
     * @throws IllegalArgumentException if a task is not serializable (then none was started)
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the tasks not done are cancelled
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return Invocations.all(submitAll(tasks), Long.MAX_VALUE);
    }

    /**
     * Runs every task and waits until all are done or {@code timeout} passes; then the tasks not
     * done are cancelled (running ones by killing their workers).
     *
     * @throws IllegalArgumentException if a task is not serializable (then none was started)
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting; the tasks not done are cancelled
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        return Invocations.all(submitAll(tasks), deadline);
    }

    /**
     * Runs the tasks and returns the value of one that succeeded; the others are then cancelled
     * (running ones by killing their workers).
     *
     * @throws IllegalArgumentException if {@code tasks} is empty or a task is not serializable
     * @throws ExecutionException if every task failed (the cause is the last failure)
     * @throws RejectedExecutionException if the pool is shut down
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return any(tasks, Long.MAX_VALUE);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no deadline, yet timed out", e);
        }
    }

    /**
     * As {@link #invokeAny(Collection)}, within {@code timeout}.
     *
     * @throws TimeoutException if no task succeeded in time (all are cancelled then)
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return any(tasks, System.nanoTime() + unit.toNanos(timeout));
    }

    private <T> T any(Collection<? extends Callable<T>> tasks, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        return Invocations.any(submitAll(tasks), deadline);
    }

    /** Submits every task, or none: all are checked first, and those sent are cancelled if one fails. */
    private <T> List<CompletableFuture<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        for (Callable<T> t : tasks) {
            Objects.requireNonNull(t, "task");
            TaskBytes.requireSerializable(t, "Callable", TaskBytes.TASKS_ADVICE);
        }
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                futures.add(call(t, t));
            }
        } catch (RuntimeException e) {
            Invocations.cancelAll(futures);
            throw e;
        }
        return futures;
    }
}
