package dev.multiproc;

import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.SharedObject;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A condition variable between processes, bound to a {@link ProcessLock} (Python's
 * {@code multiprocessing.Condition}): {@link #await()} unlocks the lock and sleeps until
 * {@link #signal()} or {@link #signalAll()}, then locks it again. Made by
 * {@link ProcessLock#newCondition()} or {@link #create(ProcessLock)}; capture it in a
 * {@link Task} and the child gets the condition and its lock.
 *
 * <p>As with every {@link Condition}, a wake-up may come without a signal: wait in a loop that
 * checks the state. Awaiting and signalling need the lock held by the caller (by this thread for
 * a reentrant lock, by this process for the other kind), else
 * {@link IllegalMonitorStateException}. A process that dies holding the lock is handled by the
 * lock ({@link ProcessLock#ownerDied()}); one that dies while it waits only leaves the count of
 * sleepers too high, so that later signals make a system call that wakes nobody.
 *
 * <p>Its state: a sequence number, a futex word bumped by each signal, and a count of sleepers,
 * so that a signal costs a system call only when someone sleeps.
 */
public final class ProcessCondition implements Condition, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long SEQUENCE = SharedObject.STATE;
    private static final long SLEEPERS = SharedObject.STATE + 4;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient ProcessLock lock;

    private ProcessCondition(SharedObject core, ProcessLock lock) {
        this.core = core;
        this.memory = core.memory();
        this.lock = lock;
    }

    /**
     * A new condition bound to {@code lock}.
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    public static ProcessCondition create(ProcessLock lock) {
        if (lock.isClosed()) {
            lock.newCondition(); // throws the lock's error
        }
        SharedObject core = SharedObject.create(SharedObject.Kind.CONDITION, 0, SharedObject.GUARD, false,
                "ProcessCondition");
        ProcessCondition condition = new ProcessCondition(core, lock);
        core.attach(condition);
        return condition;
    }

    /** The lock this condition is bound to. */
    public ProcessLock lock() {
        return lock;
    }

    /**
     * Unlocks the lock, sleeps until signalled or interrupted (or for no reason), and locks it
     * again before returning, even when interrupted.
     *
     * @throws InterruptedException if interrupted (the lock is held again)
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     * @throws ObjectClosedException if this process closed the condition
     */
    @Override
    public void await() throws InterruptedException {
        sleep(-1, true);
    }

    /** As {@link #await()}, but an interrupt does not end the wait (the status is kept). */
    @Override
    public void awaitUninterruptibly() {
        try {
            sleep(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /**
     * As {@link #await()}, at most {@code nanosTimeout}; returns an estimate of the time left
     * (zero or less: the time ran out).
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long start = System.nanoTime();
        sleep(Math.max(0, nanosTimeout), true);
        return nanosTimeout - (System.nanoTime() - start);
    }

    /** As {@link #await()}, at most {@code time}; false if the time ran out. */
    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    /** As {@link #await()}, at most {@code timeout}; false if the time ran out (Python's {@code wait(timeout)}). */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        return awaitNanos(nanos) > 0;
    }

    /** As {@link #await()}, until {@code deadline}; false if it passed. */
    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Wakes one waiter, in any process, if there is one.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     * @throws ObjectClosedException if this process closed the condition
     */
    @Override
    public void signal() {
        wake(1);
    }

    /**
     * Wakes every waiter, in every process.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     * @throws ObjectClosedException if this process closed the condition
     */
    @Override
    public void signalAll() {
        wake(Integer.MAX_VALUE);
    }

    /**
     * Closes the condition in this process (not its lock): a thread of this process waiting on
     * it wakes with {@link ObjectClosedException}, holding the lock again. Idempotent.
     */
    @Override
    public void close() {
        core.close(this, SEQUENCE);
    }

    /** True once this process closed the condition. */
    public boolean isClosed() {
        return core.isClosed();
    }

    private void sleep(long timeoutNanos, boolean interruptible) throws InterruptedException {
        core.checkOpen();
        if (!lock.heldByCaller()) {
            throw new IllegalMonitorStateException(lock + " is not held by the caller of await");
        }
        int sequence;
        try {
            sequence = (int) INT.getVolatile(memory, SEQUENCE);
            INT.getAndAdd(memory, SLEEPERS, 1);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
        int held = lock.unlockFully();
        try {
            core.sleep(SEQUENCE, sequence, timeoutNanos, interruptible);
        } finally {
            lock.relock(held);
            try {
                INT.getAndAdd(memory, SLEEPERS, -1);
            } catch (IllegalStateException e) {
                // closed meanwhile: the count is the other processes' business now
            }
        }
    }

    private void wake(int count) {
        core.checkOpen();
        if (!lock.heldByCaller()) {
            throw new IllegalMonitorStateException(lock + " is not held by the caller of signal");
        }
        try {
            if ((int) INT.getVolatile(memory, SLEEPERS) > 0) {
                INT.getAndAdd(memory, SEQUENCE, 1);
                FutexWait.wake(core.word(SEQUENCE), count);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    @Override
    public String toString() {
        return core.what() + (core.isClosed() ? "[closed]" : "[of " + lock + "]");
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form(), lock);
    }

    private record Form(SharedObject.Form core, ProcessLock lock) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, ProcessCondition.class, c -> new ProcessCondition(c, lock));
        }
    }
}
