package dev.multiproc;

import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Guard;
import dev.multiproc.internal.ipc.Members;
import dev.multiproc.internal.ipc.SharedObject;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A counting semaphore between processes, in shared memory (Python's
 * {@code multiprocessing.Semaphore} and {@code BoundedSemaphore}). Capture it in a {@link Task}
 * and the child uses the same one; closing it is this process's own.
 *
 * <p><b>Permits of a process that ends come back.</b> A process holds the permits it acquired
 * and has not released (its releases pay back its own holdings first). When it ends, however
 * it ends (SIGKILL included), or closes the semaphore, what it held is released: the waiters
 * learn of it at once (the holder's pidfd, or its exit if it is our child). This fits a semaphore
 * that bounds how many processes do something at once. A semaphore that counts events (one
 * process releases, another acquires for good) would be given back the permits of a consumer
 * that ends: use a {@code ProcessQueue} for that.
 *
 * <p><b>Bounded.</b> {@link #bounded(int)} refuses a release that would take the count above its
 * initial value (Python's {@code BoundedSemaphore}); permits returned for a process that ended
 * never take it above that either.
 *
 * <p><b>Cost.</b> An acquire or release that need not wait takes a short guard (two
 * compare-and-sets) and makes no system call; a release makes one only if someone sleeps.
 *
 * <p>Its state: the count (a futex word waiters sleep on), the number of sleepers, and in the
 * member table the permits each process holds, all changed under one guard that survives the
 * death of its holder (see {@code docs/decisions.md}, "Owner death").
 */
public final class ProcessSemaphore implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The most permits a semaphore counts: the count, with all that may be returned to it, fits its word. */
    public static final int MAX_PERMITS = (1 << 30) - 1;

    private static final long COUNT = SharedObject.STATE;
    private static final long SLEEPERS = SharedObject.STATE + 4;
    private static final int HELD = 0;
    private static final int SLEEPING = 1;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient boolean bounded;
    private final transient int bound;

    private ProcessSemaphore(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        this.bounded = core.kind() == SharedObject.Kind.BOUNDED_SEMAPHORE;
        this.bound = (int) core.parameter();
        core.join(this::recover);
    }

    /**
     * A semaphore with {@code permits} permits at first (Python's {@code Semaphore(value)}); zero
     * is allowed, for a semaphore that starts empty.
     *
     * @throws IllegalArgumentException if {@code permits} is negative or above {@link #MAX_PERMITS}
     */
    public static ProcessSemaphore create(int permits) {
        if (permits < 0 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException("a semaphore's permits are 0 to " + MAX_PERMITS + ", not " + permits);
        }
        return make(SharedObject.Kind.SEMAPHORE, permits);
    }

    /**
     * A semaphore with {@code permits} permits that refuses to count above them (Python's
     * {@code BoundedSemaphore(value)}).
     *
     * @throws IllegalArgumentException if {@code permits} is below 1 (such a semaphore could
     *     never be acquired) or above {@link #MAX_PERMITS}
     */
    public static ProcessSemaphore bounded(int permits) {
        if (permits < 1 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException("a bounded semaphore's permits are 1 to " + MAX_PERMITS + ", not "
                    + permits);
        }
        return make(SharedObject.Kind.BOUNDED_SEMAPHORE, permits);
    }

    private static ProcessSemaphore make(SharedObject.Kind kind, int permits) {
        SharedObject core = SharedObject.create(kind, permits, SharedObject.MEMBERS, true, "ProcessSemaphore");
        INT.setVolatile(core.memory(), COUNT, permits);
        ProcessSemaphore semaphore = new ProcessSemaphore(core);
        core.attach(semaphore);
        return semaphore;
    }

    /**
     * Acquires a permit, waiting until one is free or this thread is interrupted.
     *
     * @throws InterruptedException if interrupted first
     * @throws ObjectClosedException if this process closed the semaphore
     */
    public void acquire() throws InterruptedException {
        take(1, -1, true);
    }

    /**
     * Acquires {@code permits} permits at once, waiting until they are free or this thread is
     * interrupted.
     *
     * @throws IllegalArgumentException if {@code permits} is below 1 or more than the semaphore can ever hold
     * @throws InterruptedException if interrupted first
     * @throws ObjectClosedException if this process closed the semaphore
     */
    public void acquire(int permits) throws InterruptedException {
        take(permits, -1, true);
    }

    /** Acquires a permit, waiting as long as it takes; an interrupt does not end the wait. */
    public void acquireUninterruptibly() {
        try {
            take(1, -1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /** Acquires a permit if one is free now; never waits. */
    public boolean tryAcquire() {
        try {
            return take(1, 0, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /**
     * Acquires a permit, waiting at most {@code timeout} (a zero or negative one looks once).
     *
     * @throws InterruptedException if interrupted first
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquire(1, timeout);
    }

    /**
     * Acquires {@code permits} permits at once, waiting at most {@code timeout}.
     *
     * @throws IllegalArgumentException if {@code permits} is below 1 or more than the semaphore can ever hold
     * @throws InterruptedException if interrupted first
     */
    public boolean tryAcquire(int permits, Duration timeout) throws InterruptedException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        return take(permits, nanos, true);
    }

    /**
     * Releases a permit, waking the waiters if there are any.
     *
     * @throws IllegalStateException if the semaphore is bounded and already holds all its permits
     * @throws ObjectClosedException if this process closed the semaphore
     */
    public void release() {
        release(1);
    }

    /**
     * Releases {@code permits} permits.
     *
     * @throws IllegalArgumentException if {@code permits} is below 1
     * @throws IllegalStateException if that would take the count above a bounded semaphore's
     *     permits, or above {@link #MAX_PERMITS}
     * @throws ObjectClosedException if this process closed the semaphore
     */
    public void release(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits to release must be at least 1: " + permits);
        }
        core.checkOpen();
        Guard guard = core.guard();
        int me = core.members().slot();
        int sleepers;
        try {
            guard.lock();
            try {
                int count = get(COUNT);
                long after = (long) count + permits;
                if (bounded && after > bound) {
                    throw new IllegalStateException(this + " released too many times: it holds " + count + " of its "
                            + bound + " permits, and " + permits + " more would exceed them");
                }
                if (after > MAX_PERMITS) {
                    throw new IllegalStateException(this + " cannot count " + after + " permits: at most "
                            + MAX_PERMITS);
                }
                int held = get(slotInt(me, HELD));
                change(guard, COUNT, permits, slotInt(me, HELD), -Math.min(held, permits), -1, 0, -1, 0);
                sleepers = get(SLEEPERS);
            } finally {
                guard.unlock();
            }
            if (sleepers > 0) {
                FutexWait.wake(core.word(COUNT), Integer.MAX_VALUE);
            }
        } catch (IllegalStateException e) {
            throw core.isClosed() ? core.failure(e) : e;
        }
    }

    /**
     * The permits free now.
     *
     * @throws ObjectClosedException if this process closed the semaphore
     */
    public int availablePermits() {
        core.checkOpen();
        try {
            return get(COUNT);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** True for a semaphore made by {@link #bounded(int)}. */
    public boolean isBounded() {
        return bounded;
    }

    /**
     * Closes the semaphore in this process: the permits it holds are released, a thread of this
     * process waiting on it wakes with {@link ObjectClosedException}. Other processes go on.
     * Idempotent.
     */
    @Override
    public void close() {
        core.close(this, COUNT);
    }

    /** True once this process closed the semaphore. */
    public boolean isClosed() {
        return core.isClosed();
    }

    private boolean take(int permits, long timeoutNanos, boolean interruptible) throws InterruptedException {
        int most = bounded ? bound : MAX_PERMITS;
        if (permits < 1 || permits > most) {
            throw new IllegalArgumentException("permits to acquire are 1 to " + most + ", not " + permits);
        }
        core.checkOpen();
        long deadline = System.nanoTime() + timeoutNanos;
        Guard guard = core.guard();
        Members members = core.members();
        int me = members.slot();
        boolean asleep = false;
        try {
            while (true) {
                int count;
                int leaving = asleep ? -1 : 0;
                guard.lock();
                try {
                    count = get(COUNT);
                    if (count >= permits) {
                        change(guard, COUNT, -permits, slotInt(me, HELD), permits, SLEEPERS, leaving,
                                slotInt(me, SLEEPING), leaving);
                        asleep = false;
                        return true;
                    }
                    long left = timeoutNanos < 0 ? -1 : deadline - System.nanoTime();
                    if (timeoutNanos >= 0 && left <= 0) {
                        change(guard, SLEEPERS, leaving, slotInt(me, SLEEPING), leaving, -1, 0, -1, 0);
                        asleep = false;
                        return false;
                    }
                    if (!asleep) {
                        change(guard, SLEEPERS, 1, slotInt(me, SLEEPING), 1, -1, 0, -1, 0);
                        asleep = true;
                    }
                } finally {
                    guard.unlock();
                }
                long left = timeoutNanos < 0 ? -1 : Math.max(1, deadline - System.nanoTime());
                core.sleep(COUNT, count, left, interruptible);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            if (asleep && !core.isClosed()) {
                guard.lock();
                try {
                    change(guard, SLEEPERS, -1, slotInt(me, SLEEPING), -1, -1, 0, -1, 0);
                } finally {
                    guard.unlock();
                }
            }
        }
    }

    /** The member of {@code slot} ended or left: its permits come back, its sleepers are no longer counted. */
    private void recover(int slot, long identity, int token) {
        Guard guard = core.guard();
        int returned;
        guard.lock();
        try {
            if (core.members().identityAt(slot) != identity) {
                return;
            }
            int held = get(slotInt(slot, HELD));
            int sleeping = get(slotInt(slot, SLEEPING));
            int count = get(COUNT);
            returned = bounded ? Math.max(0, Math.min(held, bound - count)) : Math.min(held, MAX_PERMITS - count);
            change(guard, COUNT, returned, slotInt(slot, HELD), -held, SLEEPERS, -sleeping, slotInt(slot, SLEEPING),
                    -sleeping);
        } finally {
            guard.unlock();
        }
        if (returned > 0) {
            FutexWait.wake(core.word(COUNT), Integer.MAX_VALUE);
        }
    }

    /**
     * Adds {@code d1} to the int at {@code o1}, and so on (an offset of -1 is no change), as one
     * change under the guard: saved first, so that a death in the middle undoes it.
     */
    private void change(Guard guard, long o1, int d1, long o2, int d2, long o3, int d3, long o4, int d4) {
        long[] offsets = {o1, o2, o3, o4};
        int[] deltas = {d1, d2, d3, d4};
        for (int i = 0; i < 4; i++) {
            if (offsets[i] >= 0 && deltas[i] != 0) {
                guard.save(offsets[i]);
            }
        }
        guard.begin();
        for (int i = 0; i < 4; i++) {
            if (offsets[i] >= 0 && deltas[i] != 0) {
                INT.setVolatile(memory, offsets[i], get(offsets[i]) + deltas[i]);
            }
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
            return core.what() + "[" + get(COUNT) + (bounded ? " of " + bound : "") + " permits free]";
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
            return SharedObject.resolve(core, ProcessSemaphore.class, ProcessSemaphore::new);
        }
    }
}
