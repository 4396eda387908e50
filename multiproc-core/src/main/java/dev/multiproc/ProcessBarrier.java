package dev.multiproc;

import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Guard;
import dev.multiproc.internal.ipc.SharedObject;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A barrier between processes (Python's {@code multiprocessing.Barrier}, Java's
 * {@link java.util.concurrent.CyclicBarrier}): {@link #await()} waits until {@code parties}
 * threads, in any processes, have called it, then all go on and the barrier is ready for the
 * next round. Capture it in a {@link Task} and the child uses the same one.
 *
 * <p><b>A party that ends breaks it.</b> A process that has awaited the barrier is one of its
 * parties; if it ends (SIGKILL included) without closing the barrier, the barrier breaks: every
 * waiter, in every process, gets {@link BrokenBarrierException} at once instead of waiting for
 * ever, and so does every later {@code await} until {@link #reset()}. A timeout or an interrupt
 * breaks it too, as in Python and Java. A process that only passes the barrier on (and never
 * awaits it) is not a party.
 *
 * <p>Its state: a generation number (a futex word bumped by each round, which waiters sleep
 * on), the arrivals of the round, and whether it is broken, changed under one guard that
 * survives the death of its holder; in the member table, who is a party.
 */
public final class ProcessBarrier implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The most parties a barrier has. */
    public static final int MAX_PARTIES = (1 << 30) - 1;

    private static final long GENERATION = SharedObject.STATE;
    private static final long ARRIVED = SharedObject.STATE + 4;
    private static final long BROKEN = SharedObject.STATE + 8;
    private static final long BROKEN_GENERATION = SharedObject.STATE + 12;
    private static final int PARTY = 0;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient int parties;

    private ProcessBarrier(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        this.parties = (int) core.parameter();
        core.join(this::recover);
    }

    /**
     * A barrier for {@code parties} threads.
     *
     * @throws IllegalArgumentException if {@code parties} is below 1 or above {@link #MAX_PARTIES}
     */
    public static ProcessBarrier create(int parties) {
        if (parties < 1 || parties > MAX_PARTIES) {
            throw new IllegalArgumentException("a barrier's parties are 1 to " + MAX_PARTIES + ", not " + parties);
        }
        SharedObject core = SharedObject.create(SharedObject.Kind.BARRIER, parties, SharedObject.MEMBERS, true,
                "ProcessBarrier");
        INT.setVolatile(core.memory(), BROKEN_GENERATION, -1);
        ProcessBarrier barrier = new ProcessBarrier(core);
        core.attach(barrier);
        return barrier;
    }

    /**
     * Waits until all parties have arrived; returns this thread's arrival index, as
     * {@link java.util.concurrent.CyclicBarrier#await()} does: {@code parties() - 1} for the
     * first to arrive, 0 for the last.
     *
     * @throws BrokenBarrierException if the barrier is or becomes broken (a party ended, another
     *     waiter timed out or was interrupted, or {@link #reset()})
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     * @throws ObjectClosedException if this process closed the barrier
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return arrive(-1);
        } catch (TimeoutException e) {
            throw new AssertionError("a wait without a timeout timed out", e);
        }
    }

    /**
     * As {@link #await()}, at most {@code timeout}; when it runs out the barrier breaks.
     *
     * @throws TimeoutException if the time ran out first
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        return arrive(nanos);
    }

    /** The number of parties. */
    public int parties() {
        return parties;
    }

    /**
     * How many parties wait now.
     *
     * @throws ObjectClosedException if this process closed the barrier
     */
    public int waiting() {
        core.checkOpen();
        try {
            return get(ARRIVED);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * True if the barrier is broken.
     *
     * @throws ObjectClosedException if this process closed the barrier
     */
    public boolean isBroken() {
        core.checkOpen();
        try {
            return get(BROKEN) != 0;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Makes the barrier whole again for a new round; waiters of the current round get
     * {@link BrokenBarrierException}.
     *
     * @throws ObjectClosedException if this process closed the barrier
     */
    public void reset() {
        core.checkOpen();
        Guard guard = core.guard();
        try {
            guard.lock();
            try {
                int generation = get(GENERATION);
                boolean waiters = get(ARRIVED) > 0 && get(BROKEN) == 0;
                guard.save(GENERATION);
                guard.save(ARRIVED);
                guard.save(BROKEN);
                guard.save(BROKEN_GENERATION);
                guard.begin();
                if (waiters) {
                    change(guard, generation, true);
                }
                INT.setVolatile(memory, BROKEN, 0);
            } finally {
                guard.unlock();
            }
            FutexWait.wake(core.word(GENERATION), Integer.MAX_VALUE);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Closes the barrier in this process, which stops being a party (its end will not break the
     * barrier); a thread of this process waiting on it wakes with {@link ObjectClosedException}.
     * Idempotent.
     */
    @Override
    public void close() {
        core.close(this, GENERATION);
    }

    /** True once this process closed the barrier. */
    public boolean isClosed() {
        return core.isClosed();
    }

    private int arrive(long timeoutNanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        core.checkOpen();
        long deadline = System.nanoTime() + timeoutNanos;
        Guard guard = core.guard();
        int me = core.members().slot();
        int generation;
        int index;
        try {
            guard.lock();
            try {
                if (get(BROKEN) != 0) {
                    throw new BrokenBarrierException();
                }
                generation = get(GENERATION);
                int arrived = get(ARRIVED);
                index = parties - 1 - arrived;
                guard.save(ARRIVED);
                guard.save(GENERATION);
                guard.save(slotInt(me, PARTY));
                guard.begin();
                INT.setVolatile(memory, slotInt(me, PARTY), 1);
                if (arrived + 1 == parties) {
                    INT.setVolatile(memory, ARRIVED, 0);
                    INT.setVolatile(memory, GENERATION, generation + 1);
                } else {
                    INT.setVolatile(memory, ARRIVED, arrived + 1);
                }
            } finally {
                guard.unlock();
            }
            if (index == 0) {
                FutexWait.wake(core.word(GENERATION), Integer.MAX_VALUE);
                return 0;
            }
            boolean interrupted = false;
            boolean timedOut = false;
            while (get(GENERATION) == generation) {
                long left = -1;
                if (timeoutNanos >= 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        timedOut = true;
                        break;
                    }
                }
                try {
                    core.sleep(GENERATION, generation, left, true);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted || timedOut) {
                if (breakRound(generation)) {
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    throw new TimeoutException("the barrier's " + parties + " parties did not all arrive in time");
                }
                if (interrupted) {
                    Thread.currentThread().interrupt(); // the round ended first: keep the interrupt
                }
            }
            if (get(BROKEN_GENERATION) == generation) {
                throw new BrokenBarrierException();
            }
            return index;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Breaks the round {@code generation} if it is still the current one; true if this call broke it. */
    private boolean breakRound(int generation) {
        Guard guard = core.guard();
        guard.lock();
        try {
            if (get(GENERATION) != generation) {
                return false;
            }
            change(guard, generation, false);
        } finally {
            guard.unlock();
        }
        FutexWait.wake(core.word(GENERATION), Integer.MAX_VALUE);
        return true;
    }

    /**
     * Breaks the round {@code generation}: its waiters wake and see it broken. Under the guard;
     * saves what it changes unless the caller did ({@code saved}).
     */
    private void change(Guard guard, int generation, boolean saved) {
        if (!saved) {
            guard.save(GENERATION);
            guard.save(ARRIVED);
            guard.save(BROKEN);
            guard.save(BROKEN_GENERATION);
            guard.begin();
        }
        INT.setVolatile(memory, BROKEN_GENERATION, generation);
        INT.setVolatile(memory, BROKEN, 1);
        INT.setVolatile(memory, ARRIVED, 0);
        INT.setVolatile(memory, GENERATION, generation + 1);
    }

    /** The member of {@code slot} ended or left: if it was a party, the barrier breaks. */
    private void recover(int slot, long identity, int token) {
        Guard guard = core.guard();
        boolean broke = false;
        guard.lock();
        try {
            if (get(slotInt(slot, PARTY)) == 0) {
                return;
            }
            boolean leaving = identity == dev.multiproc.internal.ipc.ProcessIdentity.current().packed();
            guard.save(GENERATION);
            guard.save(ARRIVED);
            guard.save(BROKEN);
            guard.save(BROKEN_GENERATION);
            guard.save(slotInt(slot, PARTY));
            guard.begin();
            if (!leaving && get(BROKEN) == 0) {
                change(guard, get(GENERATION), true);
                broke = true;
            }
            INT.setVolatile(memory, slotInt(slot, PARTY), 0);
        } finally {
            guard.unlock();
        }
        if (broke) {
            FutexWait.wake(core.word(GENERATION), Integer.MAX_VALUE);
        }
    }

    private int get(long offset) {
        return (int) INT.getVolatile(memory, offset);
    }

    private long slotInt(int slot, int index) {
        return SharedObject.MEMBERS + core.members().dataOffset(slot, index);
    }

    @Override
    public String toString() {
        if (core.isClosed()) {
            return core.what() + "[closed]";
        }
        try {
            return core.what() + "[" + get(ARRIVED) + " of " + parties + " waiting" + (get(BROKEN) != 0 ? ", broken]" : "]");
        } catch (IllegalStateException e) {
            return core.what() + "[closed]";
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form());
    }

    private record Form(SharedObject.Form core) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, ProcessBarrier.class, ProcessBarrier::new);
        }
    }
}
