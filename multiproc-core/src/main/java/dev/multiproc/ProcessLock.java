package dev.multiproc;

import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Members;
import dev.multiproc.internal.ipc.ProcessIdentity;
import dev.multiproc.internal.ipc.SharedObject;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * A lock between processes, in shared memory, that survives the death of its holder (Python's
 * {@code multiprocessing.Lock} and {@code RLock}). Capture it in a {@link Task} and the child
 * uses the same lock; closing it is this process's own ({@link #close}).
 *
 * <p><b>Who holds it.</b> {@link #create()} makes a non-reentrant lock held by a
 * <em>process</em>: any thread of the holding process may unlock it (as any thread may release
 * Python's {@code Lock}), a thread that locks it again waits as any other, and a process that
 * does not hold it cannot unlock it ({@link IllegalMonitorStateException}, as {@link Lock}
 * says; Python would let any process release it, which would make its holder meaningless).
 * {@link #reentrant()} makes one held by a <em>thread</em>, which may lock it again and must
 * unlock it as many times (Python's {@code RLock}).
 *
 * <p><b>A holder that ends.</b> When the holding process ends without unlocking (SIGKILL
 * included), or closes the lock while holding it, the next process or thread that locks it gets
 * it, and {@link #ownerDied()} tells it that the state the lock guards may be half-written.
 * Waiters learn of the end through the holder's pidfd (or its exit, if it is our child), at
 * once; nobody polls. Python's lock stays held for ever.
 *
 * <p><b>Cost.</b> Locking and unlocking a free lock is one compare-and-set each, no system
 * call; a waiter sleeps in the kernel ({@code futex}), a virtual thread without holding its
 * carrier. Nothing spins.
 *
 * <p>Its state: one futex word, 0 when free, else the holder's token in the lock's member
 * table, with a bit for "someone sleeps" and one flipped when the holder is found ended (see
 * {@code docs/decisions.md}, "The futex protocol").
 */
public final class ProcessLock implements Lock, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long WORD = SharedObject.STATE;
    private static final long RECOVERED = SharedObject.STATE + 4;
    private static final int WAITERS = 0x8000_0000;
    /**
     * Flipped by the recovery for a holder that ended, before it wakes the sleepers: one that
     * looked at the holder before the end and has not yet entered the kernel then finds the word
     * changed and does not sleep, so the wake-up is not lost.
     */
    private static final int NUDGE = 1 << 30;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient boolean reentrant;
    private final transient int token;
    /** The thread that holds a reentrant lock in this process, and how many times. */
    private transient volatile Thread owner;
    private transient int holds;

    private ProcessLock(SharedObject core, boolean reentrant) {
        this.core = core;
        this.memory = core.memory();
        this.reentrant = reentrant;
        core.join(this::recover);
        this.token = core.members().token();
    }

    /** A new non-reentrant lock, held by a process (Python's {@code Lock}); see the class comment. */
    public static ProcessLock create() {
        return make(false);
    }

    /** A new reentrant lock, held by a thread (Python's {@code RLock}); see the class comment. */
    public static ProcessLock reentrant() {
        return make(true);
    }

    private static ProcessLock make(boolean reentrant) {
        SharedObject core = SharedObject.create(kind(reentrant), 0, SharedObject.MEMBERS, true, "ProcessLock");
        ProcessLock lock = new ProcessLock(core, reentrant);
        core.attach(lock);
        return lock;
    }

    private static SharedObject.Kind kind(boolean reentrant) {
        return reentrant ? SharedObject.Kind.REENTRANT_LOCK : SharedObject.Kind.LOCK;
    }

    /**
     * Locks, waiting as long as it takes; an interrupt does not end the wait.
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public void lock() {
        try {
            acquire(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /**
     * Locks, waiting until it is free or this thread is interrupted.
     *
     * @throws InterruptedException if interrupted first
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire(-1, true);
    }

    /**
     * Locks if it is free now (or held by a process that has ended); never waits.
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public boolean tryLock() {
        try {
            return acquire(0, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /**
     * Locks, waiting at most {@code time}; a zero or negative time looks once.
     *
     * @throws InterruptedException if interrupted first
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * Locks, waiting at most {@code timeout} (Python's {@code acquire(timeout=...)}).
     *
     * @throws InterruptedException if interrupted first
     * @throws ObjectClosedException if this process closed the lock
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        return tryLock(Math.max(0, saturatedNanos(timeout)), TimeUnit.NANOSECONDS);
    }

    /**
     * Unlocks: wakes one waiter if there is one (a system call only then).
     *
     * @throws IllegalMonitorStateException if this process does not hold the lock (or, for a
     *     reentrant lock, this thread does not)
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public void unlock() {
        core.checkOpen();
        if (reentrant) {
            if (owner != Thread.currentThread()) {
                throw new IllegalMonitorStateException(this + " is not held by this thread");
            }
            if (--holds > 0) {
                return;
            }
            owner = null;
        }
        try {
            int seen = (int) INT.getVolatile(memory, WORD);
            if ((seen & Members.TOKEN_MASK) != token) {
                throw new IllegalMonitorStateException(this + " is not held by this process");
            }
            if (seen == token && INT.compareAndSet(memory, WORD, token, 0)) {
                return;
            }
            INT.setVolatile(memory, WORD, 0);
            FutexWait.wake(core.word(WORD), 1);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * True if the current holding began by taking the lock from a holder that ended without
     * unlocking it (killed, say), or closed it while holding it: the state the lock guards may
     * be half-written. False again after the next lock that is not such a take-over.
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    public boolean ownerDied() {
        core.checkOpen();
        try {
            return (int) INT.getVolatile(memory, RECOVERED) != 0;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * True if some process holds the lock now (one that ended holding it counts until the next
     * lock takes it over).
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    public boolean isLocked() {
        core.checkOpen();
        try {
            return ((int) INT.getVolatile(memory, WORD) & Members.TOKEN_MASK) != 0;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** True for a lock made by {@link #reentrant()}. */
    public boolean isReentrant() {
        return reentrant;
    }

    /**
     * A condition bound to this lock, shared between processes as the lock is.
     *
     * @throws ObjectClosedException if this process closed the lock
     */
    @Override
    public ProcessCondition newCondition() {
        core.checkOpen();
        return ProcessCondition.create(this);
    }

    /**
     * Closes the lock in this process: its mapping and fd here are released, and a thread of
     * this process asleep on it wakes with {@link ObjectClosedException}. If this process holds
     * it, the next locker takes it over and is told through {@link #ownerDied()}. Other
     * processes go on using it. Idempotent.
     */
    @Override
    public void close() {
        core.close(this, WORD);
    }

    /** True once this process closed the lock. */
    public boolean isClosed() {
        return core.isClosed();
    }

    private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
        core.checkOpen();
        if (reentrant && owner == Thread.currentThread()) {
            if (holds == Integer.MAX_VALUE) {
                throw new Error("maximum lock count exceeded");
            }
            holds++;
            return true;
        }
        try {
            if (INT.compareAndSet(memory, WORD, 0, token)) {
                acquired(false);
                return true;
            }
            return contended(timeoutNanos, interruptible);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** The lock was held: take it over from a holder that ended, or sleep until it is unlocked. */
    private boolean contended(long timeoutNanos, boolean interruptible) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        Members members = core.members();
        boolean slept = false;
        while (true) {
            int seen = (int) INT.getVolatile(memory, WORD);
            int holder = seen & Members.TOKEN_MASK;
            if (holder == 0) {
                // free; after a sleep, others may sleep still: the flag is set so that the unlock wakes one
                if (INT.compareAndSet(memory, WORD, seen, token | (slept ? WAITERS : seen & WAITERS))) {
                    acquired(false);
                    return true;
                }
                continue;
            }
            members.watchMembers();
            if (holder != token && members.hasEnded(holder)) {
                if (INT.compareAndSet(memory, WORD, seen, token | (seen & WAITERS))) {
                    acquired(true);
                    return true;
                }
                continue;
            }
            if ((seen & WAITERS) == 0 && !INT.compareAndSet(memory, WORD, seen, seen | WAITERS)) {
                continue;
            }
            long left = -1;
            if (timeoutNanos >= 0) {
                left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
            }
            core.sleepOnWord(WORD, seen | WAITERS, left, interruptible, true);
            slept = true;
        }
    }

    private void acquired(boolean fromEnded) {
        if (fromEnded) {
            INT.setVolatile(memory, RECOVERED, 1);
        } else if ((int) INT.get(memory, RECOVERED) != 0) {
            INT.setVolatile(memory, RECOVERED, 0);
        }
        if (reentrant) {
            owner = Thread.currentThread();
            holds = 1;
        }
    }

    /** The member of {@code slot} ended or left: if it holds the lock, its sleepers wake and one takes it over. */
    private void recover(int slot, long identity, int ended) {
        int seen;
        do {
            seen = (int) INT.getVolatile(memory, WORD);
            if ((seen & Members.TOKEN_MASK) != ended) {
                return;
            }
        } while (!INT.compareAndSet(memory, WORD, seen, seen ^ NUDGE));
        FutexWait.wake(core.word(WORD), Integer.MAX_VALUE);
    }

    /** True if the caller holds the lock: this thread for a reentrant lock, this process for another. */
    boolean heldByCaller() {
        if (reentrant) {
            return owner == Thread.currentThread();
        }
        try {
            return ((int) INT.getVolatile(memory, WORD) & Members.TOKEN_MASK) == token;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Unlocks whatever the caller holds (all the holds of a reentrant lock); returns them for {@link #relock}. */
    int unlockFully() {
        int held = reentrant ? holds : 1;
        if (reentrant) {
            holds = 1;
        }
        unlock();
        return held;
    }

    /** Locks again after {@link #unlockFully}, uninterruptibly, with as many holds. */
    void relock(int held) {
        lock();
        if (reentrant) {
            holds = held;
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        if (core.isClosed()) {
            return core.what() + "[closed]";
        }
        try {
            int holder = (int) INT.getVolatile(memory, WORD) & Members.TOKEN_MASK;
            if (holder == 0) {
                return core.what() + "[unlocked]";
            }
            ProcessIdentity who = core.members().memberOf(holder);
            return core.what() + "[locked by " + (who == null ? "a process that left" : "pid " + who.pid()) + "]";
        } catch (IllegalStateException e) {
            return core.what() + "[closed]";
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form(), reentrant);
    }

    private record Form(SharedObject.Form core, boolean reentrant) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, ProcessLock.class, c -> new ProcessLock(c, reentrant));
        }
    }
}
