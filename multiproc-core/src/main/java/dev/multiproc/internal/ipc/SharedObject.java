package dev.multiproc.internal.ipc;

import dev.multiproc.ObjectClosedException;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * What every shared object of the library has in a process: its segment and the header at its
 * start, its member table and guard if it has them, whether this process closed it, and the
 * threads of this process asleep on it.
 *
 * <h2>Layout of a segment</h2>
 * <pre>
 *   0   header: magic, kind, version, one parameter (a length, a count of parties, ...)
 *   64  the object's state (up to 128 bytes: its futex words and counters)
 *   192 the guard ({@link Guard}), for objects whose state changes under one
 *   256 the member table ({@link Members}), for objects that track what processes hold
 * </pre>
 * A shared array's elements start at {@link #STATE} instead. The header is checked when a
 * handle arrives: the fd of a lock can never be taken for a semaphore's.
 *
 * <h2>Closing (a process's own)</h2>
 * {@link #close} marks the object closed here, wakes every sleeper on its words (in any
 * process: the others look again and sleep again) until no thread of this process sleeps on it,
 * leaves the member table (what this process held is given back, as at its death), and releases
 * the mapping. A thread of this process that touches the object afterwards gets
 * {@link ObjectClosedException}; other processes go on.
 */
public final class SharedObject {
    /** Where the object's own state starts. */
    public static final long STATE = 64;
    /** Where the guard is, for objects that have one. */
    public static final long GUARD = 192;
    /** Where the member table is, for objects that have one. */
    public static final long MEMBERS = 256;

    private static final int MAGIC = 0x4D50_4F42; // "MPOB"
    private static final int VERSION = 1;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** How long {@link #close} waits for this process's sleepers to notice, at most. */
    private static final long CLOSE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The kinds of shared objects, as the header names them. */
    public enum Kind {
        LONG_ARRAY, INT_ARRAY, DOUBLE_ARRAY, LOCK, REENTRANT_LOCK, SEMAPHORE, BOUNDED_SEMAPHORE, EVENT, CONDITION,
        BARRIER, QUEUE
    }

    private final SharedSegment segment;
    private final MemorySegment memory;
    private final Kind kind;
    private final long parameter;
    private final String type;
    private final String what;
    private final AtomicInteger sleepers = new AtomicInteger();
    private volatile boolean closed;
    private Members members;
    private Guard guard;

    private SharedObject(SharedSegment segment, Kind kind, long parameter, String type) {
        this.segment = segment;
        this.memory = segment.memoryUnchecked();
        this.kind = kind;
        this.parameter = parameter;
        this.type = type;
        this.what = type + "@" + segment.inode();
    }

    /**
     * A new object of {@code kind}: a segment of {@code bytes} bytes (at least {@link #MEMBERS}
     * plus the table when {@code withMembers}), its header written.
     *
     * @param type the object's type, for messages
     */
    public static SharedObject create(Kind kind, long parameter, long bytes, boolean withMembers, String type) {
        long size = withMembers ? Math.max(bytes, MEMBERS + Members.bytes(Members.CAPACITY)) : bytes;
        SharedSegment segment = SharedSegment.create(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), size);
        MemorySegment memory = segment.memoryUnchecked();
        INT.setVolatile(memory, 4L, kind.ordinal());
        INT.setVolatile(memory, 8L, VERSION);
        LONG.setVolatile(memory, 16L, parameter);
        if (withMembers) {
            Members.format(memory.asSlice(MEMBERS, Members.bytes(Members.CAPACITY)), Members.CAPACITY, (s, i, t) -> { });
        }
        INT.setVolatile(memory, 0L, MAGIC);
        return new SharedObject(segment, kind, parameter, type);
    }

    /**
     * The object a {@link Form} names, as this process's one object of {@code type}
     * ({@link SharedSegment#canonical}): {@code make} builds it over the object's core the
     * first time.
     *
     * @throws InvalidObjectException if its fd did not arrive, or is not such an object
     */
    public static <T> T resolve(Form form, Class<T> type, Function<SharedObject, T> make) throws InvalidObjectException {
        String what = form.type() + " (inode " + form.segment().ino() + ")";
        SharedSegment segment = form.segment().resolve(what);
        MemorySegment memory = segment.memoryUnchecked();
        if (memory.byteSize() < STATE || (int) INT.getVolatile(memory, 0L) != MAGIC
                || (int) INT.getVolatile(memory, 4L) != form.kind().ordinal()
                || (long) LONG.getVolatile(memory, 16L) != form.parameter()) {
            segment.close();
            throw new InvalidObjectException(what + ": the shared memory that arrived holds another object");
        }
        return segment.canonical(type, s -> make.apply(new SharedObject(s, form.kind(), form.parameter(), form.type())));
    }

    /**
     * Makes {@code object} (built over this core when it was created here) the one object over
     * the segment in this process, so that a handle that arrives later for it resolves to it.
     */
    public void attach(Object object) {
        segment.canonical(Object.class, s -> object);
    }

    /** The object for messages: its type and its memory file's inode. */
    public String what() {
        return what;
    }

    /** Joins the member table with {@code recovery} for this object, and makes its guard. */
    public void join(Members.Recovery recovery) {
        members = Members.over(memory.asSlice(MEMBERS, Members.bytes(Members.CAPACITY)), recovery);
        guard = new Guard(memory, GUARD, members);
        members.join();
    }

    /** The member table (after {@link #join}). */
    public Members members() {
        return members;
    }

    /** The guard (after {@link #join}). */
    public Guard guard() {
        return guard;
    }

    /** The whole segment. */
    public MemorySegment memory() {
        return memory;
    }

    /** The segment's int at {@code offset}, as a futex word. */
    public MemorySegment word(long offset) {
        return memory.asSlice(offset, 4);
    }

    /** The header's parameter. */
    public long parameter() {
        return parameter;
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** The segment's inode (for {@code toString()}). */
    public long inode() {
        return segment.inode();
    }

    /** True once this process closed the object. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Throws {@link ObjectClosedException} if this process closed the object.
     *
     * @throws ObjectClosedException if so
     */
    public void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    /** The error for a use after close. */
    public ObjectClosedException closedError() {
        return new ObjectClosedException(what);
    }

    /**
     * What a memory access that failed with {@code e} means: a use after close if this process
     * closed the object (the FFM API refuses an access to an unmapped segment), else {@code e}.
     */
    public RuntimeException failure(IllegalStateException e) {
        if (closed || !memory.scope().isAlive()) {
            ObjectClosedException closedError = closedError();
            closedError.initCause(e);
            return closedError;
        }
        return e;
    }

    /**
     * Sleeps while the word at {@code offset} holds {@code expected}, watching the other members
     * for their end if the object has a member table, and waking for a newcomer (a joining
     * process bumps the epoch, which this sleep waits on too); returns as {@link FutexWait#await}
     * does. For a waiter that waits for what any member may hold (a semaphore's permits).
     *
     * @throws ObjectClosedException if this process closes the object before or during the sleep
     */
    public boolean sleep(long offset, int expected, long timeoutNanos, boolean interruptible)
            throws InterruptedException {
        return sleep(offset, expected, timeoutNanos, interruptible, members != null, members != null);
    }

    /**
     * Sleeps while the word at {@code offset} holds {@code expected}, on that word alone; returns
     * as {@link FutexWait#await} does. With {@code watchMembers}, for a word that names its
     * holder (a lock's): the caller read {@code expected}, naming the holder, before this call
     * watches the members, so the holder is among them and no newcomer matters while the word is
     * unchanged (a sleep on one word costs about half a microsecond less in the kernel than one
     * on two). Without, for a waiter that waits for no holder (an event's).
     *
     * @throws ObjectClosedException if this process closes the object before or during the sleep
     */
    public boolean sleepOnWord(long offset, int expected, long timeoutNanos, boolean interruptible,
                               boolean watchMembers) throws InterruptedException {
        return sleep(offset, expected, timeoutNanos, interruptible, watchMembers, false);
    }

    private boolean sleep(long offset, int expected, long timeoutNanos, boolean interruptible, boolean watchMembers,
                          boolean onEpoch) throws InterruptedException {
        sleepers.incrementAndGet();
        try {
            checkOpen();
            if (watchMembers) {
                members.watchMembers();
            }
            boolean inTime;
            if (onEpoch) {
                int epoch = members.epoch();
                inTime = FutexWait.await(word(offset), expected, members.epochWord(), epoch, timeoutNanos, interruptible);
            } else {
                inTime = FutexWait.await(word(offset), expected, timeoutNanos, interruptible);
            }
            checkOpen();
            return inTime;
        } finally {
            sleepers.decrementAndGet();
        }
    }

    /**
     * Closes the object in this process (see the class comment), waking the sleepers on the
     * words at {@code wordOffsets}; {@code owner} is the object over the segment here. Idempotent.
     */
    public void close(Object owner, long... wordOffsets) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + CLOSE_PATIENCE_NANOS;
        boolean first = true;
        while (first || sleepers.get() > 0) {
            for (long offset : wordOffsets) {
                FutexWait.wake(word(offset), Integer.MAX_VALUE);
            }
            if (members != null) {
                FutexWait.wake(members.epochWord(), Integer.MAX_VALUE);
            }
            if (!first) {
                if (System.nanoTime() - deadline > 0) {
                    // a sleeper that does not wake: keep the mapping (a leak) rather than unmap under it
                    segment.detach(owner);
                    return;
                }
                LockSupport.parkNanos(1_000_000L);
            }
            first = false;
        }
        if (members != null) {
            members.leave();
        }
        segment.detach(owner);
        segment.close();
    }

    /** The form this object travels as (its fd by a slot). */
    public Form form() {
        checkOpen();
        return new Form(segment.form(), kind, parameter, type);
    }

    /**
     * A shared object as it travels: its segment's form, its kind and parameter (checked
     * against its header where it arrives), and its type's name for messages.
     *
     * @param segment the segment's form
     * @param kind the kind
     * @param parameter the header's parameter
     * @param type the object's type, for messages
     */
    public record Form(SharedSegment.Form segment, Kind kind, long parameter, String type) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
