package dev.multiproc.internal.queue;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Members;
import dev.multiproc.internal.ipc.SharedObject;
import dev.multiproc.internal.ipc.Sizes;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Waker;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link dev.multiproc.ProcessQueue} in one process: its {@link Ring} in a shared object, and
 * how threads wait on it, wake each other, and learn of deaths.
 *
 * <h2>Layout of the segment</h2>
 * The shared object's header and state ({@link SharedObject}: here the futex words and the counts
 * of who waits, below), its member table, then the ring at {@link #RING_AT}.
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
 * itself and sleeps on the lock's word.
 *
 * <h2>Deaths ({@link #recover})</h2>
 * Run once per death by {@link Members}: the ring is repaired (see {@link Ring}), the dead process's
 * counts of sleepers are taken back, every sleeper is woken to look again, and if the process took
 * messages it never marked done (and that were not handed out again), {@code join} can never return:
 * it is broken, and throws. A consumer that finds the front record being written by a process that
 * has ended or left recovers for it itself.
 *
 * <h2>Closing (this process's own)</h2>
 * New calls are refused, sleepers woken, and calls under way finish before the member table is
 * left (which gives back, as at a death, what this process held) and the mapping released.
 */
public final class QueueCore {
    /** What {@link #take} returns when nothing came in time. */
    public static final Object NOTHING = new Object();
    /** The largest capacity, in messages. */
    public static final int MAX_CAPACITY = 1 << 24;
    /** The largest message a queue can be made for. */
    public static final int MAX_LARGEST = 512 << 20;
    /** The largest message of a queue made without saying. */
    public static final int DEFAULT_LARGEST = 1 << 20;

    static final long NOT_EMPTY = SharedObject.STATE;
    static final long CONSUMERS = SharedObject.STATE + 4;
    static final long WATCHERS = SharedObject.STATE + 8;
    static final long NOT_FULL = SharedObject.STATE + 64;
    static final long PRODUCERS = SharedObject.STATE + 68;
    static final long JOIN = SharedObject.STATE + 72;
    static final long JOIN_WAITERS = SharedObject.STATE + 76;
    static final long BROKEN_PID = SharedObject.STATE + 80;
    static final long BROKEN_COUNT = SharedObject.STATE + 84;
    static final long RING_AT = align(SharedObject.MEMBERS + Members.bytes(Members.CAPACITY), 4096);

    // the ints of a member's slot
    private static final int TOOK = 0;
    private static final int WAITING = 2;
    private static final int PRODUCING = 3;
    private static final int WATCHER = 1 << 16;

    static final int SPINS = 100;
    private static final long TIMED_OUT = -3;
    private static final long CLOSE_PATIENCE_NANOS = 10_000_000_000L;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final SharedObject core;
    private final MemorySegment memory;
    private final Ring ring;
    private final int largest;
    private final int token;
    private final long slotData;
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closing;

    private QueueCore(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        this.ring = Ring.over(memory.asSlice(RING_AT));
        this.largest = Ring.largestPayload(ring.dataBytes());
        core.join(this::recover);
        Members members = core.members();
        this.token = members.token();
        this.slotData = SharedObject.MEMBERS + members.dataOffset(members.slot(), 0);
    }

    /**
     * A new queue for {@code capacity} messages of up to {@code largestMessage} bytes each (as
     * they are encoded).
     *
     * @throws IllegalArgumentException if either is not positive or over its limit, or the queue
     *     would be larger than this machine's memory; the message names the value and the limit
     * @throws MultiprocException if the kernel refuses the memory (out of memory or fds)
     */
    public static QueueCore create(int capacity, int largestMessage) {
        if (capacity <= 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("a ProcessQueue's capacity is 1 to " + MAX_CAPACITY + " messages, not "
                    + capacity);
        }
        if (largestMessage <= 0 || largestMessage > MAX_LARGEST) {
            throw new IllegalArgumentException("a ProcessQueue's largest message is 1 to " + MAX_LARGEST + " bytes, not "
                    + largestMessage);
        }
        long dataBytes = Math.max(64 * 1024, Long.highestOneBit(2L * (largestMessage + Ring.RECORD_HEADER) - 1) << 1);
        long bytes = RING_AT + Ring.bytes(dataBytes);
        Sizes.checkBytes("ProcessQueue.create(" + capacity + ", " + largestMessage + ")", bytes);
        SharedObject core;
        try {
            core = SharedObject.create(SharedObject.Kind.QUEUE, parameter(capacity, dataBytes), bytes, true,
                    "ProcessQueue");
        } catch (IllegalStateException e) {
            throw new MultiprocException("cannot make a ProcessQueue of " + bytes + " bytes: " + e.getMessage(), e);
        }
        Ring.format(core.memory().asSlice(RING_AT), capacity, dataBytes);
        QueueCore queue = new QueueCore(core);
        core.attach(queue);
        return queue;
    }

    /**
     * The queue {@code form} names, as this process's one core for it.
     *
     * @throws InvalidObjectException if its fd did not arrive, or is not such a queue
     */
    public static QueueCore arrived(SharedObject.Form form) throws InvalidObjectException {
        return SharedObject.resolve(form, QueueCore.class, QueueCore::new);
    }

    /** The form this queue travels as. */
    public SharedObject.Form form() {
        if (closing) {
            throw core.closedError();
        }
        return core.form();
    }

    private static long parameter(int capacity, long dataBytes) {
        return (long) Long.numberOfTrailingZeros(dataBytes) << 32 | capacity;
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts {@code value}, waiting for room until {@code deadlineNanos} ({@link Waker#NO_DEADLINE}: for
     * ever): false if
     * there was none in time.
     *
     * @throws IllegalArgumentException if it cannot be serialized, or is larger than the largest message
     * @throws dev.multiproc.ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting for room
     */
    public boolean put(Object value, long deadlineNanos) throws InterruptedException {
        Payload payload = Payload.of(value);
        if (payload.length() > largest) {
            throw new IllegalArgumentException("a message of " + payload.length() + " bytes is larger than the largest"
                    + " this queue takes, " + largest + " bytes: make the queue with ProcessQueue.create(capacity, "
                    + "largestMessage)");
        }
        enter();
        try {
            long at = claim(payload.length(), deadlineNanos);
            if (at < 0) {
                return false;
            }
            payload.writeTo(ring.payload(at, payload.length()));
            if (!ring.commit(at, token)) {
                throw core.closedError();
            }
            wake(CONSUMERS, WATCHERS, NOT_EMPTY);
            return true;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            exit();
        }
    }

    private long claim(int length, long deadlineNanos) throws InterruptedException {
        long at = tryClaim(length, deadlineNanos);
        if (at >= 0 || at == TIMED_OUT) {
            return at;
        }
        count(PRODUCERS, PRODUCING, 1);
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, NOT_FULL);
                at = tryClaim(length, deadlineNanos);
                if (at >= 0 || at == TIMED_OUT) {
                    return at;
                }
                if (!sleep(NOT_FULL, seen, deadlineNanos, true)) {
                    return TIMED_OUT;
                }
            }
        } finally {
            count(PRODUCERS, PRODUCING, -1);
        }
    }

    private long tryClaim(int length, long deadlineNanos) {
        if (!lock(Ring.TAIL_LOCK, deadlineNanos)) {
            return TIMED_OUT;
        }
        try {
            return ring.claim(token, length);
        } finally {
            unlock(Ring.TAIL_LOCK);
        }
    }

    // ------------------------------------------------------------------ take

    /**
     * Takes the next message, waiting until {@code deadlineNanos}: {@link #NOTHING} if none came.
     *
     * @throws MultiprocException if the message cannot be read here (it is consumed)
     * @throws dev.multiproc.ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting
     */
    public Object take(long deadlineNanos) throws InterruptedException {
        enter();
        byte[] bytes;
        boolean isBytes;
        try {
            long at = awaitMessage(deadlineNanos);
            if (at < 0) {
                return NOTHING;
            }
            MemorySegment source = ring.payload(at, ring.payloadLength(at));
            bytes = Payload.copyOutBytes(source);
            isBytes = bytes != null;
            if (!isBytes) {
                bytes = Payload.copyOut(source);
            }
            if (!ring.done(at, token)) {
                throw core.closedError();
            }
            wake(PRODUCERS, -1, NOT_FULL);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            exit();
        }
        if (isBytes) {
            return bytes;
        }
        try {
            return Payload.decode(bytes);
        } catch (IOException e) {
            throw new MultiprocException("a message taken from the queue cannot be read here (it is dropped): "
                    + e.getMessage(), e);
        }
    }

    private long awaitMessage(long deadlineNanos) throws InterruptedException {
        long at = tryTake(deadlineNanos);
        if (at >= 0 || at == TIMED_OUT) {
            return at;
        }
        count(CONSUMERS, WAITING, 1);
        boolean taken = false;
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, NOT_EMPTY);
                at = tryTake(deadlineNanos);
                if (at >= 0) {
                    taken = true;
                    return at;
                }
                if (at == TIMED_OUT || !sleep(NOT_EMPTY, seen, deadlineNanos, true)) {
                    return TIMED_OUT;
                }
            }
        } finally {
            count(CONSUMERS, WAITING, -1);
            if (!taken && !closing && ring.hasMessage()) {
                wake(CONSUMERS, WATCHERS, NOT_EMPTY); // a wake meant for this thread goes on to another
            }
        }
    }

    private long tryTake(long deadlineNanos) {
        if (!lock(Ring.READ_LOCK, deadlineNanos)) {
            return TIMED_OUT;
        }
        long at;
        try {
            slotAdd(TOOK, 1); // before the record names this process: a death in between counts it lost, never silently
            at = ring.take(token);
            if (at < 0) {
                slotAdd(TOOK, -1);
            }
        } finally {
            unlock(Ring.READ_LOCK);
        }
        if (at == Ring.BLOCKED) {
            recoverIfGone(ring.frontToken());
        }
        return at;
    }

    /** The record at the front is being written by {@code writer}: if that process has ended or left, it is recovered for now. */
    private void recoverIfGone(int writer) {
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

    // ------------------------------------------------------------------ join

    /**
     * Counts one message done; wakes {@code join} if it was the last.
     *
     * @throws IllegalStateException if more were marked done than were put
     */
    public void taskDone() {
        enter();
        try {
            if (!ring.markDone()) {
                throw new IllegalStateException("taskDone() was called more times than messages were put in the queue");
            }
            slotAdd(TOOK + 1, 1);
            VarHandle.fullFence();
            if (ring.unfinished() == 0 && (int) INT.getVolatile(memory, JOIN_WAITERS) > 0) {
                INT.getAndAdd(memory, JOIN, 1);
                FutexWait.wake(core.word(JOIN), Integer.MAX_VALUE);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            exit();
        }
    }

    /**
     * Waits until every message put has been marked done.
     *
     * @throws dev.multiproc.ConsumerDiedException if a process that took messages ended (or
     *     closed the queue) before it marked them done
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        enter();
        INT.getAndAdd(memory, JOIN_WAITERS, 1);
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, JOIN);
                if (ring.unfinished() <= 0) {
                    return;
                }
                int pid = (int) INT.getVolatile(memory, BROKEN_PID);
                if (pid != 0) {
                    throw new dev.multiproc.ConsumerDiedException(pid, (int) INT.getVolatile(memory, BROKEN_COUNT),
                            ring.unfinished());
                }
                sleep(JOIN, seen, Waker.NO_DEADLINE, true);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            INT.getAndAdd(memory, JOIN_WAITERS, -1);
            exit();
        }
    }

    // ------------------------------------------------------------------ locks and sleeps

    private boolean lock(long lockAt, long deadlineNanos) {
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
        while (true) {
            checkOpen();
            int seen = ring.lockWord(lockAt);
            if (seen == 0) {
                if (ring.tryLock(lockAt, token)) {
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
                if (!sleep(RING_AT + lockAt, seen | Ring.WAITERS, deadlineNanos, false)) {
                    return false;
                }
            } catch (InterruptedException e) {
                throw new AssertionError("an uninterruptible sleep was interrupted", e);
            }
        }
    }

    private void unlock(long lockAt) {
        if (ring.unlock(lockAt, token)) {
            FutexWait.wake(core.word(RING_AT + lockAt), 1);
        }
    }

    /** Sleeps on the word at {@code offset} while it holds {@code seen}; false if the deadline passed. */
    private boolean sleep(long offset, int seen, long deadlineNanos, boolean interruptible) throws InterruptedException {
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
    private void wake(long sleepers, long watchers, long word) {
        VarHandle.fullFence();
        int watching = watchers < 0 ? 0 : (int) INT.getVolatile(memory, watchers);
        if ((int) INT.getVolatile(memory, sleepers) > 0 || watching > 0) {
            INT.getAndAdd(memory, word, 1);
            FutexWait.wake(core.word(word), word == NOT_EMPTY && watching == 0 ? 1 : Integer.MAX_VALUE);
        }
    }

    /**
     * Counts this process's sleepers at {@code total} up or down, and in its slot's int
     * {@code mine} ({@link #WAITING} for consumers, in its low half, and watchers, in its high half). The total goes up first and down last: a
     * process that ends in between leaves it too high (a wasted wake-up), never too low.
     */
    private void count(long total, int mine, int delta) {
        int own = total == WATCHERS ? delta * WATCHER : delta;
        if (delta > 0) {
            INT.getAndAdd(memory, total, delta);
            slotAdd(mine, own);
        } else {
            slotAdd(mine, own);
            INT.getAndAdd(memory, total, delta);
        }
    }

    private void slotAdd(int index, int delta) {
        INT.getAndAdd(memory, slotData + 4L * index, delta);
    }

    // ------------------------------------------------------------------ deaths

    /** The member of {@code slot} (-1: a token whose slot was given up) ended or left; see the class comment. */
    private void recover(int slot, long identity, int dead) {
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
                INT.compareAndSet(memory, BROKEN_PID, 0, dev.multiproc.internal.ipc.ProcessIdentity.unpack(identity).pid());
            }
        }
        if (repaired.wakeTailLock()) {
            FutexWait.wake(core.word(RING_AT + Ring.TAIL_LOCK), Integer.MAX_VALUE);
        }
        if (repaired.wakeReadLock()) {
            FutexWait.wake(core.word(RING_AT + Ring.READ_LOCK), Integer.MAX_VALUE);
        }
        for (long word : new long[] {NOT_EMPTY, NOT_FULL, JOIN}) {
            INT.getAndAdd(memory, word, 1);
            FutexWait.wake(core.word(word), Integer.MAX_VALUE);
        }
    }

    // ------------------------------------------------------------------ waiting over many

    /** Whether a message is there to take, for a wait over many objects. */
    public Readiness readiness() {
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
                java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
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

    // ------------------------------------------------------------------ closing and state

    private void enter() {
        busy.incrementAndGet();
        if (closing) {
            exit();
            throw core.closedError();
        }
    }

    private void exit() {
        busy.decrementAndGet();
    }

    private void checkOpen() {
        if (closing) {
            throw core.closedError();
        }
    }

    /** Closes the queue in this process (see the class comment); idempotent. */
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        long deadline = System.nanoTime() + CLOSE_PATIENCE_NANOS;
        long[] words = {NOT_EMPTY, NOT_FULL, JOIN, RING_AT + Ring.TAIL_LOCK, RING_AT + Ring.READ_LOCK};
        while (busy.get() > 0 && System.nanoTime() - deadline < 0) {
            for (long word : words) {
                FutexWait.wake(core.word(word), Integer.MAX_VALUE);
            }
            LockSupport.parkNanos(1_000_000L);
        }
        core.close(this, words);
    }

    /** True once this process closed the queue. */
    public boolean isClosed() {
        return closing;
    }

    /** The capacity in messages. */
    public int capacity() {
        return ring.capacity();
    }

    /** The largest message, in bytes as encoded. */
    public int largestMessage() {
        return largest;
    }

    /** Messages in the queue now. */
    public int size() {
        checkOpen();
        return ring.size();
    }

    /** Messages put and not marked done. */
    public int unfinished() {
        checkOpen();
        return ring.unfinished();
    }

    /** Messages discarded because their producer ended while writing them. */
    public int discarded() {
        checkOpen();
        return ring.discarded();
    }

    /** For diagnostics: the payload lengths of the messages being put now. */
    public int[] beingPut() {
        checkOpen();
        return ring.beingWritten();
    }

    /** For diagnostics: how many messages are being taken (copied out) now. */
    public int beingTaken() {
        checkOpen();
        return ring.beingTaken();
    }

    /** The queue for messages: its type and memory file's inode. */
    public String what() {
        return core.what();
    }

    private static long align(long value, long to) {
        return (value + to - 1) / to * to;
    }
}
