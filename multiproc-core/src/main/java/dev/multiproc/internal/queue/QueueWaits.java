package dev.multiproc.internal.queue;

import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Members;
import dev.multiproc.internal.ipc.ProcessIdentity;
import dev.multiproc.internal.ipc.SharedObject;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the threads of one process wait on a queue, wake each other, take its locks, and repair it
 * after a death: the part of {@link QueueCore} that sleeps and counts sleepers.
 *
 * <h2>Waiting and waking: a system call only for a sleeper</h2>
 * A consumer with nothing to take counts itself in {@link #CONSUMERS} (and in its process's slot,
 * so that the count of a process that ends is taken back), reads the {@link #NOT_EMPTY} word, looks
 * again, and sleeps on the word if there is still nothing. A producer, once its record is
 * committed, reads the count (after a full fence) and bumps and wakes the word only if someone
 * sleeps: an idle consumer costs producers nothing. Producers short of room do the same on
 * {@link #NOT_FULL}, which consumers bump after they free room. A wake goes to one taker, to all
 * of them if a wait over many objects ({@link #WATCHERS}) watches too, since a watcher may take
 * nothing; a taker that leaves without a message while one is there passes the wake on. Sleeping
 * is {@link SharedObject#sleep}: in the kernel for a platform thread, parked for a virtual thread,
 * and watching the other members for their end meanwhile.
 *
 * <h2>The locks</h2>
 * The ring's tail and read locks are held for a few stores. A thread that finds one taken spins
 * briefly ({@link #SPINS} times: the holder is running its few stores), then checks that the
 * holder's process still lives (a holder that ended is recovered for, which frees the lock), flags
 * itself and sleeps on the lock's word. An unlock that finds the flag wakes one sleeper; that
 * one takes the lock flagged again, as others may still sleep for it (a lock taken unflagged after
 * a sleep would be released without a wake-up, and the others would sleep for ever).
 *
 * <h2>Deaths ({@link #recover})</h2>
 * Run once per death by {@link Members}: the ring is repaired (see {@link Ring}), the dead process's
 * counts of sleepers are taken back, every sleeper is woken to look again, and if the process took
 * messages it never marked done (and that were not handed out again), {@code join} can never return:
 * it is broken, and throws. A consumer that finds the front record being written by a process that
 * has ended or left recovers for it itself ({@link #recoverIfGone}).
 */
final class QueueWaits {
    static final long NOT_EMPTY = SharedObject.STATE;
    static final long CONSUMERS = SharedObject.STATE + 4;
    static final long WATCHERS = SharedObject.STATE + 8;
    static final long NOT_FULL = SharedObject.STATE + 64;
    static final long PRODUCERS = SharedObject.STATE + 68;
    static final long JOIN = SharedObject.STATE + 72;
    static final long JOIN_WAITERS = SharedObject.STATE + 76;
    static final long BROKEN_PID = SharedObject.STATE + 80;
    static final long BROKEN_COUNT = SharedObject.STATE + 84;

    // the ints of a member's slot
    static final int TOOK = 0;
    static final int DONE = 1;
    static final int WAITING = 2;
    static final int PRODUCING = 3;
    private static final int WATCHER = 1 << 16;

    static final int SPINS = 100;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final SharedObject core;
    private final MemorySegment memory;
    private final Ring ring;
    private final long ringAt;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong wakeCalls = new AtomicLong();
    private int token;
    private long slotData;
    private volatile boolean closing;

    QueueWaits(SharedObject core, Ring ring, long ringAt) {
        this.core = core;
        this.memory = core.memory();
        this.ring = ring;
        this.ringAt = ringAt;
    }

    /** Once this process has joined the member table: its token and slot. */
    void joined() {
        Members members = core.members();
        token = members.token();
        slotData = SharedObject.MEMBERS + members.dataOffset(members.slot(), 0);
    }

    /** This process's member token. */
    int token() {
        return token;
    }

    boolean lock(long lockAt, long deadlineNanos) {
        if (ring.tryLock(lockAt, token)) {
            return true;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (ring.lockWord(lockAt) == 0 && ring.tryLock(lockAt, token)) {
                return true;
            }
        }
        Members members = core.members();
        boolean slept = false;
        while (true) {
            checkOpen();
            int seen = ring.lockWord(lockAt);
            if (seen == 0) {
                // after a sleep, others may sleep still: the unlock must wake the next
                if (slept ? ring.tryLockFlagged(lockAt, token) : ring.tryLock(lockAt, token)) {
                    return true;
                }
                continue;
            }
            int holder = seen & Ring.TOKEN_MASK;
            if (holder != token && members.hasEnded(holder)) {
                recoverIfGone(holder);
                continue;
            }
            if (!ring.flagWaiters(lockAt, seen)) {
                continue;
            }
            try {
                if (!sleep(ringAt + lockAt, seen | Ring.WAITERS, deadlineNanos, false)) {
                    return false;
                }
                slept = true;
            } catch (InterruptedException e) {
                throw new AssertionError("an uninterruptible sleep was interrupted", e);
            }
        }
    }

    void unlock(long lockAt) {
        if (ring.unlock(lockAt, token)) {
            FutexWait.wake(core.word(ringAt + lockAt), 1);
        }
    }

    /** Sleeps on the word at {@code offset} while it holds {@code seen}; false if the deadline passed. */
    boolean sleep(long offset, int seen, long deadlineNanos, boolean interruptible) throws InterruptedException {
        long left = -1;
        if (deadlineNanos != Waker.NO_DEADLINE) {
            left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
        }
        core.sleep(offset, seen, left, interruptible);
        checkOpen();
        return true;
    }

    /**
     * After a change others may wait for: if any sleep (the count at {@code sleepers}, or the
     * watchers at {@code watchers}), bumps the word at {@code word} and wakes them.
     */
    void wake(long sleepers, long watchers, long word) {
        VarHandle.fullFence();
        int watching = watchers < 0 ? 0 : (int) INT.getVolatile(memory, watchers);
        if ((int) INT.getVolatile(memory, sleepers) > 0 || watching > 0) {
            INT.getAndAdd(memory, word, 1);
            wakeCalls.incrementAndGet();
            FutexWait.wake(core.word(word), word == NOT_EMPTY && watching == 0 ? 1 : Integer.MAX_VALUE);
        }
    }

    /** For diagnostics: how many times this process made a wake-up call for a sleeper on the queue's words. */
    long wakeCalls() {
        return wakeCalls.get();
    }

    /**
     * Counts this process's sleepers at {@code total} up or down, and in its slot's int
     * {@code mine} ({@link #WAITING} for consumers, in its low half, and watchers, in its high half). The total goes up first and down last: a
     * process that ends in between leaves it too high (a wasted wake-up), never too low.
     */
    void count(long total, int mine, int delta) {
        int own = total == WATCHERS ? delta * WATCHER : delta;
        if (delta > 0) {
            INT.getAndAdd(memory, total, delta);
            slotAdd(mine, own);
        } else {
            slotAdd(mine, own);
            INT.getAndAdd(memory, total, delta);
        }
    }

    void slotAdd(int index, int delta) {
        INT.getAndAdd(memory, slotData + 4L * index, delta);
    }

    /** The member of {@code slot} (-1: a token whose slot was given up) ended or left; see the class comment. */
    void recover(int slot, long identity, int dead) {
        Ring.Recovered repaired = ring.recover(dead);
        if (slot >= 0) {
            long data = SharedObject.MEMBERS + core.members().dataOffset(slot, 0);
            int waiting = (int) INT.getAndSet(memory, data + 4L * WAITING, 0);
            int takers = (short) waiting;
            int watchers = (waiting - takers) >> 16;
            if (takers != 0) {
                INT.getAndAdd(memory, CONSUMERS, -takers);
            }
            if (watchers != 0) {
                INT.getAndAdd(memory, WATCHERS, -watchers);
            }
            int producing = (int) INT.getAndSet(memory, data + 4L * PRODUCING, 0);
            if (producing != 0) {
                INT.getAndAdd(memory, PRODUCERS, -producing);
            }
            long tookAndDone = (long) LONG.getAndSet(memory, data + 4L * TOOK, 0L);
            int took = (int) tookAndDone;
            int done = (int) (tookAndDone >>> 32);
            int lost = took - done - repaired.returned();
            if (lost > 0 && ring.unfinished() > 0) {
                INT.getAndAdd(memory, BROKEN_COUNT, lost);
                INT.compareAndSet(memory, BROKEN_PID, 0, ProcessIdentity.unpack(identity).pid());
            }
        }
        if (repaired.wakeTailLock()) {
            FutexWait.wake(core.word(ringAt + Ring.TAIL_LOCK), Integer.MAX_VALUE);
        }
        if (repaired.wakeReadLock()) {
            FutexWait.wake(core.word(ringAt + Ring.READ_LOCK), Integer.MAX_VALUE);
        }
        for (long word : new long[] {NOT_EMPTY, NOT_FULL, JOIN}) {
            INT.getAndAdd(memory, word, 1);
            FutexWait.wake(core.word(word), Integer.MAX_VALUE);
        }
    }

    /** Whether a message is there to take, for a wait over many objects. */
    Readiness readiness() {
        return new Readiness() {
            @Override
            public boolean isReady() {
                try {
                    return closing || ring.hasMessage();
                } catch (IllegalStateException e) {
                    return true; // unmapped: the next call says why
                }
            }

            @Override
            public Watch watch(Runnable wake) {
                if (closing) {
                    wake.run();
                    return () -> { };
                }
                Members members = core.members();
                members.watchMembers();
                count(WATCHERS, WAITING, 1);
                AtomicBoolean counted = new AtomicBoolean(true);
                Runnable uncount = () -> {
                    if (counted.compareAndSet(true, false) && !core.isClosed()) {
                        count(WATCHERS, WAITING, -1);
                    }
                };
                int seen = (int) INT.getVolatile(memory, NOT_EMPTY);
                FutexWait.Registration message = FutexWait.whenChanged(core.word(NOT_EMPTY), seen, wake);
                FutexWait.Registration newcomer = FutexWait.whenChanged(members.epochWord(), members.epoch(), wake);
                return () -> {
                    message.cancel();
                    newcomer.cancel();
                    uncount.run();
                };
            }
        };
    }

    /** The record at the front is being written by {@code writer}: if that process has ended or left, it is recovered for now. */
    void recoverIfGone(int writer) {
        Members members = core.members();
        if (writer == 0 || writer == token) {
            return;
        }
        if (members.memberOf(writer) == null) {
            recover(-1, 0, writer); // left (or its slot is reused): no one else will
        } else {
            members.recoverIfEnded(writer);
        }
    }

    void enter() {
        busy.incrementAndGet();
        if (closing) {
            exit();
            throw core.closedError();
        }
    }

    void exit() {
        busy.decrementAndGet();
    }

    void checkOpen() {
        if (closing) {
            throw core.closedError();
        }
    }

    /** Refuses new calls from now on; false if that was done already. */
    synchronized boolean startClosing() {
        if (closing) {
            return false;
        }
        closing = true;
        return true;
    }

    /** True once this process started closing the queue. */
    boolean closing() {
        return closing;
    }

    /** How many calls are under way in this process. */
    int busy() {
        return busy.get();
    }
}
