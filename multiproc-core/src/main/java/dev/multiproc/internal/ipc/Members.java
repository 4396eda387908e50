package dev.multiproc.internal.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * The processes that use one shared object, in the object's own shared memory: one slot per
 * process, naming it for good ({@link ProcessIdentity}) and holding what the object counts for
 * it (the permits it holds, whether it is a party, ...). With {@link ProcessDeaths}, it is how a
 * process that ends, however it ends, gives back what it held.
 *
 * <h2>Layout</h2>
 * A header of 64 bytes: the <em>epoch</em> (an int, bumped each time a process joins; a futex
 * word), the capacity and the high-water mark of slots ever used. Then {@code capacity} slots of
 * 48 bytes: the member's identity packed in a long (0: free), the identity of the process
 * recovering for it if it ended (0: none), the slot's generation (an int, bumped at each claim),
 * a spare int, and {@link #SLOT_INTS} ints for the object's own use.
 *
 * <h2>Joining and tokens</h2>
 * A process joins once ({@link #join}, per object and process): it claims a free slot with one
 * compare-and-set of 0 to its identity, so a process that dies at any point leaves either a free
 * slot or a slot naming it. Its <em>token</em> ({@link #token}) is the slot's index with its
 * generation, 30 bits, never 0: what an object stores in a word to say "held by this member"
 * (a lock's owner). A token outlives nothing: before a slot is freed, the object's
 * {@link Recovery} has removed the member's tokens from its words.
 *
 * <h2>Learning of a death</h2>
 * A process that waits on an object watches every other member of it ({@link #watchMembers}):
 * each is watched once through {@link ProcessDeaths} (a pidfd on the event loop, or the exit
 * of our own child). A process that joins bumps the epoch and wakes it, and waiters sleep on
 * the epoch as well as on their own word, so that they watch newcomers too. Whoever learns of a
 * death first runs the object's recovery for the dead member's slot and frees the slot; others
 * that learn of it later find the slot no longer naming it and do nothing. A process that is not
 * waiting watches nobody: the next one that must wait learns of the death then (a watch made on
 * a process already gone fires at once), so nothing waits for a dead holder.
 *
 * <h2>One recovery per death</h2>
 * Several processes may learn of one death at once. The one that recovers first claims the slot's
 * <em>recoverer</em> field (compare-and-set of 0 to its identity); the others leave it alone while
 * that process lives, and take over if it ends in the middle (then the recovery runs again: each
 * object's recovery is written to be safe to repeat after a partial run, see {@link Guard}). The
 * winner runs the object's recovery, frees the identity, then clears the recoverer field; a
 * process that claims the slot afterwards clears it too, so that no recoverer's name outlives its
 * recovery.
 *
 * <h2>Hazards</h2>
 * A process that dies between claiming its slot and bumping the generation leaves a slot whose
 * token is its predecessor's, which no word holds any more: harmless.
 */
public final class Members {
    /** The most processes that use one object at a time. */
    public static final int CAPACITY = 1024;
    /** Ints of each slot for the object's own use. */
    public static final int SLOT_INTS = 4;
    /** The bits of a token: a token is positive and fits in 30 bits. */
    public static final int TOKEN_MASK = (1 << 30) - 1;

    private static final int SLOT_BITS = 10;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int GENERATION_MASK = (1 << 20) - 1;
    private static final long HEADER = 64;
    private static final long SLOT_BYTES = 48;
    private static final long EPOCH = 0;
    private static final long CAPACITY_AT = 4;
    private static final long HIGH_WATER = 8;
    private static final long IDENTITY = 0;
    private static final long RECOVERER = 8;
    private static final long GENERATION = 16;
    private static final long DATA = 24;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /**
     * What an object does for a member that ended or left: gives back what it held, removes its
     * tokens from the object's words, wakes who waits for them, clears its slot's ints.
     */
    @FunctionalInterface
    public interface Recovery {
        /**
         * Recovers for the member of {@code slot}, which holds {@code identity}. Runs once per
         * death, but again after a recoverer that ended in the middle: it must be safe to repeat
         * after a partial run.
         *
         * @param identity the member, packed ({@link ProcessIdentity#packed})
         * @param token the member's token
         */
        void recover(int slot, long identity, int token);
    }

    private final MemorySegment table;
    private final int capacity;
    private final Recovery recovery;
    private final long me = ProcessIdentity.current().packed();
    private int slot = -1;
    private int token;
    /** Death watches on the other members, by slot; guarded by itself. */
    private final Map<Integer, Watched> watches = new HashMap<>();
    private volatile int watchedEpoch = -1;

    private record Watched(long identity, ProcessDeaths.Watch watch) {}

    private Members(MemorySegment table, int capacity, Recovery recovery) {
        this.table = table;
        this.capacity = capacity;
        this.recovery = recovery;
    }

    /** The bytes a table of {@code capacity} slots takes. */
    public static long bytes(int capacity) {
        return HEADER + SLOT_BYTES * capacity;
    }

    /**
     * Writes an empty table of {@code capacity} slots into {@code table} (zeroed memory, 8-byte
     * aligned, {@link #bytes} long), for the process that creates the object.
     */
    public static Members format(MemorySegment table, int capacity, Recovery recovery) {
        if (capacity < 1 || capacity > CAPACITY) {
            throw new IllegalArgumentException("a member table has 1 to " + CAPACITY + " slots, not " + capacity);
        }
        INT.setVolatile(table, CAPACITY_AT, capacity);
        return new Members(table, capacity, recovery);
    }

    /**
     * The table an object's creator formatted in {@code table}.
     *
     * @throws IllegalStateException if it does not hold one
     */
    public static Members over(MemorySegment table, Recovery recovery) {
        int capacity = (int) INT.getVolatile(table, CAPACITY_AT);
        if (capacity < 1 || capacity > CAPACITY || bytes(capacity) > table.byteSize()) {
            throw new IllegalStateException("no member table here (capacity " + capacity + ")");
        }
        return new Members(table, capacity, recovery);
    }

    /**
     * Joins: claims a slot for this process, and wakes the waiters of the object so that they
     * watch it. Once per object and process.
     *
     * @return this process's token
     * @throws IllegalStateException if {@link #CAPACITY} live processes use the object already
     */
    public synchronized int join() {
        if (slot >= 0) {
            throw new IllegalStateException("this process has joined already, in slot " + slot);
        }
        int claimed = claim();
        if (claimed < 0) {
            reclaimTheDead();
            claimed = claim();
        }
        if (claimed < 0) {
            throw new IllegalStateException("at most " + capacity + " processes can use one shared object at a time");
        }
        LONG.setVolatile(table, slotAt(claimed) + RECOVERER, 0L); // a leftover of the slot's last recovery
        int generation = ((int) INT.getVolatile(table, slotAt(claimed) + GENERATION) + 1) & GENERATION_MASK;
        if (generation == 0) {
            generation = 1;
        }
        INT.setVolatile(table, slotAt(claimed) + GENERATION, generation);
        int high;
        do {
            high = (int) INT.getVolatile(table, HIGH_WATER);
        } while (high <= claimed && !INT.compareAndSet(table, HIGH_WATER, high, claimed + 1));
        slot = claimed;
        token = (generation << SLOT_BITS) | claimed;
        INT.getAndAdd(table, EPOCH, 1);
        FutexWait.wake(epochWord(), Integer.MAX_VALUE);
        return token;
    }

    private int claim() {
        for (int i = 0; i < capacity; i++) {
            long at = slotAt(i) + IDENTITY;
            if ((long) LONG.getVolatile(table, at) == 0 && LONG.compareAndSet(table, at, 0L, me)) {
                return i;
            }
        }
        return -1;
    }

    /** The table is full: the slots of members that have ended are recovered and freed now. */
    private void reclaimTheDead() {
        ProcessDeaths deaths = ProcessDeaths.get();
        for (int i = 0; i < capacity; i++) {
            long identity = identityAt(i);
            if (identity != 0 && identity != me && deaths.isDead(ProcessIdentity.unpack(identity))) {
                memberEnded(i, identity);
            }
        }
    }

    /**
     * Leaves: what this process holds is recovered as if it had ended (a lock it holds is given
     * to the next with the owner's death told), its slot is freed and its watches closed.
     * Idempotent.
     */
    public synchronized void leave() {
        synchronized (watches) {
            watches.values().forEach(w -> w.watch().close());
            watches.clear();
        }
        if (slot < 0) {
            return;
        }
        memberEnded(slot, me);
        slot = -1;
    }

    /** This process's slot, or -1 before {@link #join}. */
    public int slot() {
        return slot;
    }

    /** This process's token (see the class comment); 0 before {@link #join}. */
    public int token() {
        return token;
    }

    /** The slot a token names. */
    public static int slotOf(int token) {
        return token & SLOT_MASK;
    }

    /** The member {@code token} names, or null if that member has left the slot (the token is stale). */
    public ProcessIdentity memberOf(int token) {
        int s = slotOf(token);
        if (s >= capacity) {
            return null;
        }
        long identity = identityAt(s);
        int generation = (int) INT.getVolatile(table, slotAt(s) + GENERATION);
        if (identity == 0 || generation != token >>> SLOT_BITS) {
            return null;
        }
        return ProcessIdentity.unpack(identity);
    }

    /** The identity in {@code slot}, packed; 0 if it is free. */
    public long identityAt(int slot) {
        return (long) LONG.getVolatile(table, slotAt(slot) + IDENTITY);
    }

    /** The number of slots ever used: members are in slots below it. */
    public int highWater() {
        return (int) INT.getVolatile(table, HIGH_WATER);
    }

    /** The epoch word, bumped when a process joins; a futex word waiters sleep on too. */
    public MemorySegment epochWord() {
        return table.asSlice(EPOCH, 4);
    }

    /** The epoch now. */
    public int epoch() {
        return (int) INT.getVolatile(table, EPOCH);
    }

    /** The offset in the table of int {@code index} (0 to {@link #SLOT_INTS} - 1) of {@code slot}, for the object's use. */
    public long dataOffset(int slot, int index) {
        if (index < 0 || index >= SLOT_INTS) {
            throw new IndexOutOfBoundsException("a slot has " + SLOT_INTS + " ints of data, not " + (index + 1));
        }
        return slotAt(slot) + DATA + 4L * index;
    }

    /** The table's memory. */
    public MemorySegment table() {
        return table;
    }

    /**
     * Watches every other member for its end, if members joined since the last call: the
     * object's recovery runs for each that ends. Cheap when nothing changed (one read).
     */
    public void watchMembers() {
        int epoch = epoch();
        if (epoch == watchedEpoch) {
            return;
        }
        synchronized (watches) {
            watchedEpoch = epoch;
            int high = highWater();
            ProcessDeaths deaths = ProcessDeaths.get();
            for (int i = 0; i < high; i++) {
                long identity = identityAt(i);
                Watched known = watches.get(i);
                if (known != null && known.identity() == identity) {
                    continue;
                }
                if (known != null) {
                    known.watch().close();
                    watches.remove(i);
                }
                if (identity == 0 || identity == me) {
                    continue;
                }
                int s = i;
                watches.put(i, new Watched(identity,
                        deaths.watch(ProcessIdentity.unpack(identity), who -> endedWhileWatched(s, identity))));
            }
        }
    }

    /**
     * True if the member {@code token} names has ended, or has left (the token is stale). A
     * check of {@code /proc} unless the member is watched.
     */
    public boolean hasEnded(int token) {
        ProcessIdentity member = memberOf(token);
        return member == null || ProcessDeaths.get().isDead(member);
    }

    /**
     * If the member {@code token} names has ended, recovers for it now and returns true; true
     * also if the token is stale (its member has left). A check of {@code /proc} unless the
     * member is watched: for a caller about to give up on an object held by that member.
     */
    public boolean recoverIfEnded(int token) {
        ProcessIdentity member = memberOf(token);
        if (member == null) {
            return true;
        }
        if (ProcessDeaths.get().isDead(member)) {
            memberEnded(slotOf(token), member.packed());
            return true;
        }
        return false;
    }

    /** A watched member ended: recovers for it, unless this process closed the object meanwhile. */
    private void endedWhileWatched(int slot, long identity) {
        try {
            memberEnded(slot, identity);
        } catch (IllegalStateException e) {
            if (table.scope().isAlive()) {
                throw e;
            }
            // unmapped here: the object's other processes recover for it
        }
    }

    /**
     * Recovers for the member in {@code slot} if it still holds {@code identity}, unless a live
     * process does it already, then frees the slot (see "One recovery per death").
     */
    private void memberEnded(int slot, long identity) {
        long at = slotAt(slot);
        while (true) {
            if (identityAt(slot) != identity) {
                return;
            }
            long recoverer = (long) LONG.getVolatile(table, at + RECOVERER);
            if (recoverer == me) {
                return; // another thread of this process is on it
            }
            if (recoverer != 0 && !ProcessDeaths.get().isDead(ProcessIdentity.unpack(recoverer))) {
                return; // a live process is on it
            }
            if (LONG.compareAndSet(table, at + RECOVERER, recoverer, me)) {
                break;
            }
        }
        if (identityAt(slot) == identity) {
            int generation = (int) INT.getVolatile(table, at + GENERATION);
            recovery.recover(slot, identity, (generation << SLOT_BITS) | slot);
            LONG.compareAndSet(table, at + IDENTITY, identity, 0L);
        }
        LONG.compareAndSet(table, at + RECOVERER, me, 0L);
    }

    private static long slotAt(int slot) {
        return HEADER + SLOT_BYTES * slot;
    }
}
