package dev.multiproc.internal.queue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The ring of a {@link dev.multiproc.ProcessQueue}: variable-length records in shared memory,
 * many producers and many consumers in any processes, and a process's death at any instruction
 * leaving nothing it cannot repair. Pure logic over a {@link MemorySegment}: no system call, no
 * waiting (see {@link QueueCore} for that), so it is tested without processes.
 *
 * <h2>Layout</h2>
 * A header of {@link #HEADER} bytes (below), then the data: a power of two of 8-byte units.
 * Positions count units from the queue's creation, as ints that wrap (every distance is far
 * below 2^31); a record lives at {@code position & mask}. Each record starts with a header of
 * 16 bytes: a long {@code state (3 bits) | token (30 bits) | length in units (31 bits)} and an
 * int with the payload's length in bytes (and an int with the message's sequence number, for
 * people). Records are contiguous: one that does not fit before the end of the data is put at
 * its start, behind a {@link #PADDING} record up to the end. The largest payload is a little under
 * half the data, so that an empty ring always has room for it, wherever its tail stands.
 *
 * <h2>The three positions</h2>
 * <ul>
 *   <li><b>tail</b>: where the next record goes. A long: the position in its high half, the
 *   number of messages ever put in its low half, published together by one release store.</li>
 *   <li><b>read</b>: the next record to take. The same shape: position, and messages ever taken
 *   (or discarded).</li>
 *   <li><b>head</b>: where the free space starts; it moves only over records whose copy-out is
 *   finished ({@link #DONE}) or that carry nothing ({@link #PADDING}, {@link #DISCARDED}), and
 *   never past read. head ≤ read ≤ tail, and tail − head ≤ the data's size.</li>
 * </ul>
 *
 * <h2>Claiming: a lock held for a few stores</h2>
 * A producer takes the tail lock (an int: 0, or the holder's member token, with bit 31 set when
 * someone sleeps for it), checks room (bytes, and messages against the capacity), writes the
 * padding and its record's header ({@link #IN_PROGRESS}, its token, the length), publishes the new
 * tail and releases the lock; it copies the payload outside the lock and commits with a
 * compare-and-set of its header to {@link #COMMITTED}. A consumer takes the read lock, finds the
 * record at read, marks it {@link #TAKEN} with its own token, publishes the new read position and
 * releases; it copies the payload out, marks the record {@link #DONE}, and moves head over what
 * is finished. So every record, at every moment, names the process that must act on it next.
 * Why a lock and not a compare-and-set on the tail, as Agrona's ring claims: a claim by a
 * compare-and-set cannot write the claimer's name and the record's length in the same step, and a
 * producer killed between the two leaves a hole nobody can measure or attribute; a dead holder of
 * the lock leaves either nothing (tail not yet published) or a record that names it.
 *
 * <h2>A death ({@link #recover})</h2>
 * For a member token whose process ended: a tail lock it held is freed (what it wrote beyond the
 * tail is not a record yet); a read lock it held is freed and a record it had marked taken at the
 * read position is committed again; then every record between head and tail is looked at: one it
 * was writing ({@link #IN_PROGRESS}) becomes {@link #DISCARDED} and is counted, one it was copying
 * out ({@link #TAKEN}) is committed again and handed out again (a record behind the read position
 * is found by the next taker, which looks behind read while {@link #RETURNED} says some are
 * there). Committed records are never touched: nothing committed is lost. Each change is a
 * compare-and-set from a state that names the dead token, so two processes recovering at once,
 * or a recovery racing with live producers and consumers, change each record at most once.
 *
 * <h2>Counting</h2>
 * Messages in the queue: put − taken (returned ones aside, briefly). Unfinished messages (for
 * {@code join}): put − discarded − done. Every count is a wrapping int, and every change of one
 * is either published with a position (put, taken) or made once by a compare-and-set (discarded).
 */
final class Ring {
    // record states (the top 3 bits of a record header)
    static final int PADDING = 1;
    static final int IN_PROGRESS = 2;
    static final int COMMITTED = 3;
    static final int TAKEN = 4;
    static final int DONE = 5;
    static final int DISCARDED = 6;

    /** What {@link #claim} and {@link #take} return when there is no room, or nothing to take. */
    static final long NONE = -1;
    /** What {@link #take} returns when the next record is still being written. */
    static final long BLOCKED = -2;

    static final int TOKEN_MASK = (1 << 30) - 1;
    static final int WAITERS = 0x8000_0000;
    static final int RECORD_HEADER = 16;

    // the header: one cache line per side
    static final long MAGIC_AT = 0;
    static final long CAPACITY_AT = 4;
    static final long UNITS_AT = 8;
    static final long TAIL_LOCK = 64;
    static final long TAIL = 72;
    static final long READ_LOCK = 128;
    static final long RETURNED = 132;
    static final long READ = 136;
    static final long HEAD = 192;
    static final long DISCARDED_COUNT = 196;
    static final long DONE_COUNT = 200;
    static final long HEADER = 256;

    private static final int MAGIC = 0x4d505131; // "MPQ1"
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment memory;
    private final int units;
    private final int mask;
    private final int capacity;

    private Ring(MemorySegment memory) {
        this.memory = memory;
        this.units = (int) INT.getVolatile(memory, UNITS_AT);
        this.mask = units - 1;
        this.capacity = (int) INT.getVolatile(memory, CAPACITY_AT);
    }

    /** The bytes a ring with {@code dataBytes} of data takes. */
    static long bytes(long dataBytes) {
        return HEADER + dataBytes;
    }

    /** The largest payload a ring of {@code dataBytes} takes: half of it, less a record's header. */
    static int largestPayload(long dataBytes) {
        return (int) (dataBytes / 2 - RECORD_HEADER);
    }

    /**
     * Writes an empty ring into {@code memory} (zeroed, 8-byte aligned, {@link #bytes} long) for
     * {@code capacity} messages and {@code dataBytes} of data, a power of two of at least 64.
     */
    static Ring format(MemorySegment memory, int capacity, long dataBytes) {
        if (Long.bitCount(dataBytes) != 1 || dataBytes < 64 || dataBytes / 8 > (1 << 28)) {
            throw new IllegalArgumentException("a ring's data is a power of two from 64 bytes to 2 GiB: " + dataBytes);
        }
        INT.setVolatile(memory, CAPACITY_AT, capacity);
        INT.setVolatile(memory, UNITS_AT, (int) (dataBytes / 8));
        INT.setVolatile(memory, MAGIC_AT, MAGIC);
        return new Ring(memory);
    }

    /**
     * The ring formatted in {@code memory}.
     *
     * @throws IllegalStateException if there is none
     */
    static Ring over(MemorySegment memory) {
        if ((int) INT.getVolatile(memory, MAGIC_AT) != MAGIC) {
            throw new IllegalStateException("no queue in this shared memory");
        }
        return new Ring(memory);
    }

    /** The capacity in messages. */
    int capacity() {
        return capacity;
    }

    /** The data's size in bytes. */
    long dataBytes() {
        return (long) units * 8;
    }

    /** The memory (for the words {@link QueueCore} waits on). */
    MemorySegment memory() {
        return memory;
    }

    // ------------------------------------------------------------------ locks

    /** Takes the lock at {@code lockAt} (tail or read) for {@code token} if it is free. */
    boolean tryLock(long lockAt, int token) {
        return INT.compareAndSet(memory, lockAt, 0, token);
    }

    /**
     * Takes the lock for {@code token} if it is free, flagged for sleepers: what a thread that
     * slept for the lock does, as others may sleep for it still (a wake-up releases one sleeper).
     */
    boolean tryLockFlagged(long lockAt, int token) {
        return INT.compareAndSet(memory, lockAt, 0, token | WAITERS);
    }

    /** The lock's word: 0 if free, else the holder's token, with {@link #WAITERS} if someone sleeps for it. */
    int lockWord(long lockAt) {
        return (int) INT.getVolatile(memory, lockAt);
    }

    /** Flags sleepers on a lock seen as {@code seen}: false if the word changed meanwhile. */
    boolean flagWaiters(long lockAt, int seen) {
        return (seen & WAITERS) != 0 || INT.compareAndSet(memory, lockAt, seen, seen | WAITERS);
    }

    /** Releases the lock {@code token} holds; true if sleepers must be woken. */
    boolean unlock(long lockAt, int token) {
        if (INT.compareAndSet(memory, lockAt, token, 0)) {
            return false;
        }
        INT.setVolatile(memory, lockAt, 0);
        return true;
    }

    // ------------------------------------------------------------------ producers

    /** The units a record with a payload of {@code payloadBytes} takes. */
    static int recordUnits(int payloadBytes) {
        return (RECORD_HEADER + payloadBytes + 7) >>> 3;
    }

    /**
     * With the tail lock held by {@code token}: claims a record for {@code payloadBytes} (at most
     * {@link #largestPayload}) and returns its position (as an unsigned int), or {@link #NONE} if
     * there is no room now (bytes, or messages against the capacity).
     */
    long claim(int token, int payloadBytes) {
        int need = recordUnits(payloadBytes);
        long tail = (long) LONG.getVolatile(memory, TAIL);
        int at = position(tail);
        int put = count(tail);
        if (put - count(read()) >= capacity) {
            return NONE;
        }
        int toEnd = units - (at & mask);
        int pad = need > toEnd ? toEnd : 0;
        if (!hasRoom(at, pad + need)) {
            advanceHead();
            if (!hasRoom(at, pad + need)) {
                return NONE;
            }
        }
        if (pad > 0) {
            // a padding may be one unit: its header is the long alone
            LONG.setVolatile(memory, offset(at), ((long) PADDING << 61) | pad);
            at += pad;
        }
        writeHeader(at, IN_PROGRESS, token, need, payloadBytes, put + 1);
        LONG.setRelease(memory, TAIL, pack(at + need, put + 1));
        return Integer.toUnsignedLong(at);
    }

    private boolean hasRoom(int at, int need) {
        return at - head() + need <= units;
    }

    /** The payload of the record at {@code position}: {@code length} bytes. */
    MemorySegment payload(long position, int length) {
        return memory.asSlice(offset((int) position) + RECORD_HEADER, length);
    }

    /**
     * Commits the record {@code token} wrote at {@code position}: false if it was discarded
     * meanwhile (its process was taken for ended, or left).
     */
    boolean commit(long position, int token) {
        long at = offset((int) position);
        long header = (long) LONG.getVolatile(memory, at);
        return state(header) == IN_PROGRESS && tokenOf(header) == token
                && LONG.compareAndSet(memory, at, header, withState(header, COMMITTED, token));
    }

    // ------------------------------------------------------------------ consumers

    /**
     * With the read lock held by {@code token}: marks the next committed record taken by
     * {@code token} and returns its position, {@link #NONE} if there is nothing to take, or
     * {@link #BLOCKED} if the next record is still being written.
     */
    long take(int token) {
        int returned = (int) INT.getVolatile(memory, RETURNED);
        if (returned > 0) {
            long position = takeReturned(token);
            if (position >= 0) {
                INT.getAndAdd(memory, RETURNED, -1);
                return position;
            }
            INT.compareAndSet(memory, RETURNED, returned, 0);
        }
        while (true) {
            long read = read();
            int at = position(read);
            if (at == position((long) LONG.getAcquire(memory, TAIL))) {
                return NONE;
            }
            long header = header(at);
            int length = lengthOf(header);
            switch (state(header)) {
                case PADDING -> LONG.setRelease(memory, READ, pack(at + length, count(read)));
                case DISCARDED -> LONG.setRelease(memory, READ, pack(at + length, count(read) + 1));
                case IN_PROGRESS -> {
                    return BLOCKED;
                }
                case COMMITTED -> {
                    LONG.setVolatile(memory, offset(at), withState(header, TAKEN, token));
                    LONG.setRelease(memory, READ, pack(at + length, count(read) + 1));
                    return Integer.toUnsignedLong(at);
                }
                default -> throw new IllegalStateException("the queue's memory is corrupted: a record in state "
                        + state(header) + " at the read position " + Integer.toUnsignedString(at));
            }
        }
    }

    /** A committed record behind the read position (one a dead consumer had taken), taken for {@code token}. */
    private long takeReturned(int token) {
        int at = head();
        int end = position(read());
        while (at != end) {
            long header = header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                return NONE; // head moved under us: the next take looks again
            }
            if (state(header) == COMMITTED
                    && LONG.compareAndSet(memory, offset(at), header, withState(header, TAKEN, token))) {
                return Integer.toUnsignedLong(at);
            }
            at += length;
        }
        return NONE;
    }

    /** True if a committed record (or one a dead consumer had taken) is there to take. Never waits. */
    boolean hasMessage() {
        if ((int) INT.getVolatile(memory, RETURNED) > 0) {
            return true;
        }
        int at = position(read());
        int end = position((long) LONG.getAcquire(memory, TAIL));
        while (at != end) {
            long header = header(at);
            int state = state(header);
            if (state == COMMITTED) {
                return true;
            }
            if (state != PADDING && state != DISCARDED) {
                return false;
            }
            at += lengthOf(header);
        }
        return false;
    }

    /** A snapshot, for diagnostics: the payload lengths of the records being written now. */
    int[] beingWritten() {
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        int at = position(read());
        int end = position((long) LONG.getAcquire(memory, TAIL));
        while (at != end) {
            long header = header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                break;
            }
            if (state(header) == IN_PROGRESS) {
                lengths.add((int) INT.getVolatile(memory, offset(at) + 8));
            }
            at += length;
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A snapshot, for diagnostics: how many records are being copied out now. */
    int beingTaken() {
        int count = 0;
        int at = head();
        int end = position(read());
        while (at != end) {
            long header = header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                break;
            }
            if (state(header) == TAKEN) {
                count++;
            }
            at += length;
        }
        return count;
    }

    /** The token of the record at the read position, if it is being written; 0 otherwise. */
    int frontToken() {
        int at = position(read());
        if (at == position((long) LONG.getAcquire(memory, TAIL))) {
            return 0;
        }
        long header = header(at);
        return state(header) == IN_PROGRESS ? tokenOf(header) : 0;
    }

    /** The payload's length of the record at {@code position}. */
    int payloadLength(long position) {
        return (int) INT.getVolatile(memory, offset((int) position) + 8);
    }

    /**
     * Ends the copy-out of the record {@code token} took at {@code position} and frees what can
     * be freed: false if the record was handed out again meanwhile (this process was taken for
     * ended, or left), and must not be delivered here.
     */
    boolean done(long position, int token) {
        long at = offset((int) position);
        long header = (long) LONG.getVolatile(memory, at);
        boolean mine = state(header) == TAKEN && tokenOf(header) == token
                && LONG.compareAndSet(memory, at, header, withState(header, DONE, 0));
        advanceHead();
        return mine;
    }

    /** Moves head over the finished records at the front; true if it moved. */
    boolean advanceHead() {
        boolean moved = false;
        while (true) {
            int head = head();
            if (head == position(read())) {
                return moved;
            }
            long header = header(head);
            int state = state(header);
            int length = lengthOf(header);
            if (state != DONE && state != PADDING && state != DISCARDED || length <= 0) {
                return moved;
            }
            if (INT.compareAndSet(memory, HEAD, head, head + length)) {
                moved = true;
            }
        }
    }

    // ------------------------------------------------------------------ counts

    /** Messages in the queue now (not taken yet). */
    int size() {
        return Math.max(0, count((long) LONG.getVolatile(memory, TAIL)) - count(read()));
    }

    /** Messages put and neither discarded nor marked done. */
    int unfinished() {
        return count((long) LONG.getVolatile(memory, TAIL)) - (int) INT.getVolatile(memory, DISCARDED_COUNT)
                - (int) INT.getVolatile(memory, DONE_COUNT);
    }

    /** Counts one task done: false if none is unfinished (more done than put). */
    boolean markDone() {
        while (true) {
            int done = (int) INT.getVolatile(memory, DONE_COUNT);
            int unfinished = count((long) LONG.getVolatile(memory, TAIL))
                    - (int) INT.getVolatile(memory, DISCARDED_COUNT) - done;
            if (unfinished <= 0) {
                return false;
            }
            if (INT.compareAndSet(memory, DONE_COUNT, done, done + 1)) {
                return true;
            }
        }
    }

    /** Messages discarded because their producer ended while writing them. */
    int discarded() {
        return (int) INT.getVolatile(memory, DISCARDED_COUNT);
    }

    // ------------------------------------------------------------------ deaths

    /** What {@link #recover} did: records discarded and handed out again, and locks whose sleepers must be woken. */
    record Recovered(int discarded, int returned, boolean wakeTailLock, boolean wakeReadLock) {
        /** True if anything changed: the sleepers of the queue must look again. */
        boolean any() {
            return discarded > 0 || returned > 0 || wakeTailLock || wakeReadLock;
        }
    }

    /** Repairs what the ended member {@code dead} (a token) left; see the class comment. Idempotent. */
    Recovered recover(int dead) {
        boolean readFreed = false;
        int readLock = lockWord(READ_LOCK);
        if ((readLock & TOKEN_MASK) == dead) {
            int at = position(read());
            if (at != position((long) LONG.getAcquire(memory, TAIL))) {
                long header = header(at);
                if (state(header) == TAKEN && tokenOf(header) == dead) {
                    LONG.compareAndSet(memory, offset(at), header, withState(header, COMMITTED, 0));
                }
            }
            readFreed = INT.compareAndSet(memory, READ_LOCK, readLock, 0);
        }
        boolean tailFreed = false;
        int tailLock = lockWord(TAIL_LOCK);
        if ((tailLock & TOKEN_MASK) == dead) {
            tailFreed = INT.compareAndSet(memory, TAIL_LOCK, tailLock, 0);
        }
        int discarded = 0;
        int returned = 0;
        int at = head();
        int end = position((long) LONG.getAcquire(memory, TAIL));
        while (at != end) {
            int head = head();
            if (at - head < 0) {
                at = head; // freed under us: go on from the front
                continue;
            }
            long header = header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                break; // a header being rewritten: whatever follows is not the dead member's
            }
            int state = state(header);
            if (tokenOf(header) == dead && state == IN_PROGRESS
                    && LONG.compareAndSet(memory, offset(at), header, withState(header, DISCARDED, 0))) {
                INT.getAndAdd(memory, DISCARDED_COUNT, 1);
                discarded++;
            } else if (tokenOf(header) == dead && state == TAKEN
                    && LONG.compareAndSet(memory, offset(at), header, withState(header, COMMITTED, 0))) {
                INT.getAndAdd(memory, RETURNED, 1);
                returned++;
            }
            at += length;
        }
        advanceHead();
        return new Recovered(discarded, returned, tailFreed && (tailLock & WAITERS) != 0,
                readFreed && (readLock & WAITERS) != 0);
    }

    // ------------------------------------------------------------------ records

    private void writeHeader(int at, int state, int token, int length, int payloadBytes, int sequence) {
        long offset = offset(at);
        INT.set(memory, offset + 8, payloadBytes);
        INT.set(memory, offset + 12, sequence);
        LONG.setVolatile(memory, offset, ((long) state << 61) | ((long) (token & TOKEN_MASK) << 31) | length);
    }

    private long header(int at) {
        return (long) LONG.getAcquire(memory, offset(at));
    }

    private long offset(int at) {
        return HEADER + ((long) (at & mask) << 3);
    }

    private int head() {
        return (int) INT.getVolatile(memory, HEAD);
    }

    private long read() {
        return (long) LONG.getAcquire(memory, READ);
    }

    static int state(long header) {
        return (int) (header >>> 61);
    }

    static int tokenOf(long header) {
        return (int) (header >>> 31) & TOKEN_MASK;
    }

    static int lengthOf(long header) {
        return (int) (header & 0x7fff_ffffL);
    }

    private static long withState(long header, int state, int token) {
        return ((long) state << 61) | ((long) (token & TOKEN_MASK) << 31) | (header & 0x7fff_ffffL);
    }

    private static long pack(int position, int count) {
        return ((long) position << 32) | Integer.toUnsignedLong(count);
    }

    private static int position(long word) {
        return (int) (word >>> 32);
    }

    private static int count(long word) {
        return (int) word;
    }
}
