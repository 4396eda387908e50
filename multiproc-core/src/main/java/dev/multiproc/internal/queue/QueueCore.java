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
 * <h2>Waiting, locks and deaths</h2>
 * See {@link QueueWaits}: a system call only for a sleeper, locks held for a few stores, and the
 * repair of what a process that ended left.
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

    static final long RING_AT = align(SharedObject.MEMBERS + Members.bytes(Members.CAPACITY), 4096);

    private static final long TIMED_OUT = -3;
    private static final long CLOSE_PATIENCE_NANOS = 10_000_000_000L;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final SharedObject core;
    private final MemorySegment memory;
    private final Ring ring;
    private final int largest;
    private final QueueWaits waits;
    private final int token;

    private QueueCore(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        this.ring = Ring.over(memory.asSlice(RING_AT));
        this.largest = Ring.largestPayload(ring.dataBytes());
        this.waits = new QueueWaits(core, ring, RING_AT);
        core.join(waits::recover);
        waits.joined();
        this.token = waits.token();
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
        waits.checkOpen();
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
        waits.enter();
        try {
            long at = claim(payload.length(), deadlineNanos);
            if (at < 0) {
                return false;
            }
            payload.writeTo(ring.payload(at, payload.length()));
            if (!ring.commit(at, token)) {
                throw core.closedError();
            }
            waits.wake(QueueWaits.CONSUMERS, QueueWaits.WATCHERS, QueueWaits.NOT_EMPTY);
            return true;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            waits.exit();
        }
    }

    private long claim(int length, long deadlineNanos) throws InterruptedException {
        long at = tryClaim(length, deadlineNanos);
        if (at >= 0 || at == TIMED_OUT) {
            return at;
        }
        waits.count(QueueWaits.PRODUCERS, QueueWaits.PRODUCING, 1);
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, QueueWaits.NOT_FULL);
                at = tryClaim(length, deadlineNanos);
                if (at >= 0 || at == TIMED_OUT) {
                    return at;
                }
                if (!waits.sleep(QueueWaits.NOT_FULL, seen, deadlineNanos, true)) {
                    return TIMED_OUT;
                }
            }
        } finally {
            waits.count(QueueWaits.PRODUCERS, QueueWaits.PRODUCING, -1);
        }
    }

    private long tryClaim(int length, long deadlineNanos) {
        if (!waits.lock(Ring.TAIL_LOCK, deadlineNanos)) {
            return TIMED_OUT;
        }
        try {
            return ring.claim(token, length);
        } finally {
            waits.unlock(Ring.TAIL_LOCK);
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
        waits.enter();
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
            waits.wake(QueueWaits.PRODUCERS, -1, QueueWaits.NOT_FULL);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            waits.exit();
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
        waits.count(QueueWaits.CONSUMERS, QueueWaits.WAITING, 1);
        boolean taken = false;
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, QueueWaits.NOT_EMPTY);
                at = tryTake(deadlineNanos);
                if (at >= 0) {
                    taken = true;
                    return at;
                }
                if (at == TIMED_OUT || !waits.sleep(QueueWaits.NOT_EMPTY, seen, deadlineNanos, true)) {
                    return TIMED_OUT;
                }
            }
        } finally {
            waits.count(QueueWaits.CONSUMERS, QueueWaits.WAITING, -1);
            if (!taken && !waits.closing() && ring.hasMessage()) {
                waits.wake(QueueWaits.CONSUMERS, QueueWaits.WATCHERS, QueueWaits.NOT_EMPTY); // a wake meant for this thread goes on to another
            }
        }
    }

    private long tryTake(long deadlineNanos) {
        if (!waits.lock(Ring.READ_LOCK, deadlineNanos)) {
            return TIMED_OUT;
        }
        long at;
        try {
            waits.slotAdd(QueueWaits.TOOK, 1); // before the record names this process: a death in between counts it lost, never silently
            at = ring.take(token);
            if (at < 0) {
                waits.slotAdd(QueueWaits.TOOK, -1);
            }
        } finally {
            waits.unlock(Ring.READ_LOCK);
        }
        if (at == Ring.BLOCKED) {
            waits.recoverIfGone(ring.frontToken());
        }
        return at;
    }

    // ------------------------------------------------------------------ join

    /**
     * Counts one message done; wakes {@code join} if it was the last.
     *
     * @throws IllegalStateException if more were marked done than were put
     */
    public void taskDone() {
        waits.enter();
        try {
            if (!ring.markDone()) {
                throw new IllegalStateException("taskDone() was called more times than messages were put in the queue");
            }
            waits.slotAdd(QueueWaits.DONE, 1);
            VarHandle.fullFence();
            if (ring.unfinished() == 0 && (int) INT.getVolatile(memory, QueueWaits.JOIN_WAITERS) > 0) {
                INT.getAndAdd(memory, QueueWaits.JOIN, 1);
                FutexWait.wake(core.word(QueueWaits.JOIN), Integer.MAX_VALUE);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            waits.exit();
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
        waits.enter();
        INT.getAndAdd(memory, QueueWaits.JOIN_WAITERS, 1);
        try {
            while (true) {
                int seen = (int) INT.getVolatile(memory, QueueWaits.JOIN);
                if (ring.unfinished() <= 0) {
                    return;
                }
                int pid = (int) INT.getVolatile(memory, QueueWaits.BROKEN_PID);
                if (pid != 0) {
                    throw new dev.multiproc.ConsumerDiedException(pid, (int) INT.getVolatile(memory, QueueWaits.BROKEN_COUNT),
                            ring.unfinished());
                }
                waits.sleep(QueueWaits.JOIN, seen, Waker.NO_DEADLINE, true);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        } finally {
            INT.getAndAdd(memory, QueueWaits.JOIN_WAITERS, -1);
            waits.exit();
        }
    }

    // ------------------------------------------------------------------ closing and state

    /** Closes the queue in this process (see the class comment); idempotent. */
    public void close() {
        if (!waits.startClosing()) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_PATIENCE_NANOS;
        long[] words = {QueueWaits.NOT_EMPTY, QueueWaits.NOT_FULL, QueueWaits.JOIN, RING_AT + Ring.TAIL_LOCK,
            RING_AT + Ring.READ_LOCK};
        while (waits.busy() > 0 && System.nanoTime() - deadline < 0) {
            for (long word : words) {
                FutexWait.wake(core.word(word), Integer.MAX_VALUE);
            }
            LockSupport.parkNanos(1_000_000L);
        }
        core.close(this, words);
    }

    /** Whether a message is there to take, for a wait over many objects. */
    public Readiness readiness() {
        return waits.readiness();
    }

    /** True once this process closed the queue. */
    public boolean isClosed() {
        return waits.closing();
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
        waits.checkOpen();
        return ring.size();
    }

    /** Messages put and not marked done. */
    public int unfinished() {
        waits.checkOpen();
        return ring.unfinished();
    }

    /** Messages discarded because their producer ended while writing them. */
    public int discarded() {
        waits.checkOpen();
        return ring.discarded();
    }

    /** For diagnostics: the payload lengths of the messages being put now. */
    public int[] beingPut() {
        waits.checkOpen();
        return ring.beingWritten();
    }

    /** For diagnostics: how many messages are being taken (copied out) now. */
    public int beingTaken() {
        waits.checkOpen();
        return ring.beingTaken();
    }

    /**
     * For diagnostics: how many times this process made a system call to wake a taker or a
     * producer (none while nobody sleeps).
     */
    public long wakeCalls() {
        return waits.wakeCalls();
    }

    /** The ring, for tests in this package. */
    Ring ring() {
        return ring;
    }

    /** Takers counted as waiting (in every process), for tests in this package. */
    int takersWaiting() {
        return (int) INT.getVolatile(memory, QueueWaits.CONSUMERS);
    }

    /** A lock's futex word, for tests in this package. */
    MemorySegment lockWord(long lockAt) {
        return core.word(RING_AT + lockAt);
    }

    /** This process's member token, for tests in this package. */
    int token() {
        return token;
    }

    /** The queue for messages: its type and memory file's inode. */
    public String what() {
        return core.what();
    }

    private static long align(long value, long to) {
        return (value + to - 1) / to * to;
    }
}
