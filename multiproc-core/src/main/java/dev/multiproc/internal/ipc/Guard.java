package dev.multiproc.internal.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A short mutual exclusion between processes over the few ints of an object's state that change
 * together (a semaphore's count and the permits its holder holds; a barrier's arrivals), which
 * survives the death of its holder in the middle of a change.
 *
 * <h2>The word</h2>
 * One futex word: 0 when free, else the holder's member token ({@link Members#token}) with bit 31
 * set when someone sleeps for it. Taking it free costs one compare-and-set and releasing it one
 * more: no system call unless someone sleeps. Threads of one process share their process's token:
 * the guard excludes them from each other all the same (a taken word is taken).
 *
 * <h2>Sleeping for it</h2>
 * A sleeper reads the word, then watches the members ({@link Members#watchMembers}), then sleeps
 * while the word holds what it read. The holder it read joined before it took the word, so it is
 * among those watched: no second word (the epoch) is needed to learn of newcomers, which would
 * cost every sleep about half a microsecond more in the kernel. If that holder ends, whoever
 * recovers for it takes the guard over ({@link #lock}) and releases it (an object that uses the
 * guard takes it in its {@link Members.Recovery}): the word changes and a sleeper wakes, or does
 * not sleep.
 *
 * <h2>The journal: a death in the middle of a change</h2>
 * Before it changes anything, the holder saves the ints it will change, as they are
 * ({@link #save}), then marks the journal valid ({@link #begin}); it clears the mark once all
 * changes are stored, before it releases the word. A process that finds the word held by a member
 * that has ended (or by a stale token) takes the word over and, if the journal is marked valid,
 * stores the saved values back: the dead holder's change is undone, never left half-done. A
 * change that was complete, or had not begun, needs nothing.
 *
 * <h2>Layout</h2>
 * 64 bytes, at an offset of the object's segment that is a multiple of 8: the word, the mark,
 * the number of saved ints, then up to {@link #MAX_SAVED} pairs of (offset in the segment,
 * value).
 */
public final class Guard {
    /** Bytes a guard takes. */
    public static final long BYTES = 64;
    /** The most ints one change may save. */
    public static final int MAX_SAVED = 6;

    private static final int WAITERS = 0x8000_0000;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long WORD = 0;
    private static final long VALID = 4;
    private static final long SAVED = 8;
    private static final long ENTRIES = 16;

    private final MemorySegment memory;
    private final long at;
    private final Members members;
    private final MemorySegment word;

    /**
     * The guard at offset {@code at} of {@code memory} (the object's segment), among the
     * processes of {@code members} (this process must have joined).
     */
    public Guard(MemorySegment memory, long at, Members members) {
        this.memory = memory;
        this.at = at;
        this.members = members;
        this.word = memory.asSlice(at + WORD, 4);
    }

    /**
     * Takes the guard, sleeping while another process (or thread of this one) holds it; takes it
     * over from a holder that has ended, undoing its change. Uninterruptible: the guard is held
     * for a few stores only.
     */
    public void lock() {
        int mine = members.token();
        if (INT.compareAndSet(memory, at + WORD, 0, mine)) {
            return;
        }
        while (true) {
            int seen = (int) INT.getVolatile(memory, at + WORD);
            int holder = seen & Members.TOKEN_MASK;
            if (holder == 0) {
                // free, perhaps with sleepers flagged: take it, keeping the flag for them
                if (INT.compareAndSet(memory, at + WORD, seen, mine | WAITERS)) {
                    return;
                }
                continue;
            }
            if (holder != mine && members.hasEnded(holder)) {
                if (INT.compareAndSet(memory, at + WORD, seen, mine | (seen & WAITERS))) {
                    undo();
                    return;
                }
                continue;
            }
            if ((seen & WAITERS) == 0 && !INT.compareAndSet(memory, at + WORD, seen, seen | WAITERS)) {
                continue;
            }
            members.watchMembers();
            try {
                FutexWait.await(word, seen | WAITERS, -1, false);
            } catch (InterruptedException e) {
                throw new AssertionError("an uninterruptible wait was interrupted", e);
            }
        }
    }

    /** Saves the int at {@code offset} of the segment as it is now, before a change. */
    public void save(long offset) {
        int n = (int) INT.get(memory, at + SAVED);
        if (n >= MAX_SAVED) {
            throw new IllegalStateException("a change saves at most " + MAX_SAVED + " ints");
        }
        long entry = at + ENTRIES + 8L * n;
        INT.set(memory, entry, (int) offset);
        INT.set(memory, entry + 4, (int) INT.getVolatile(memory, offset));
        INT.set(memory, at + SAVED, n + 1);
    }

    /** Marks the saved ints as the undo of the change that follows. */
    public void begin() {
        INT.setRelease(memory, at + VALID, 1);
    }

    /** Ends the change (if one was begun) and releases the guard, waking one sleeper if there is one. */
    public void unlock() {
        INT.setRelease(memory, at + VALID, 0);
        INT.set(memory, at + SAVED, 0);
        int mine = members.token();
        if (INT.compareAndSet(memory, at + WORD, mine, 0)) {
            return;
        }
        INT.setVolatile(memory, at + WORD, 0);
        FutexWait.wake(word, 1);
    }

    /** True if this process holds the guard (for assertions). */
    public boolean heldHere() {
        return ((int) INT.getVolatile(memory, at + WORD) & Members.TOKEN_MASK) == members.token();
    }

    /** Undoes the change a dead holder left half-done, if it left one. */
    private void undo() {
        if ((int) INT.getAcquire(memory, at + VALID) != 0) {
            int n = Math.min((int) INT.getVolatile(memory, at + SAVED), MAX_SAVED);
            for (int i = n - 1; i >= 0; i--) {
                long entry = at + ENTRIES + 8L * i;
                INT.setVolatile(memory, (long) (int) INT.get(memory, entry), (int) INT.get(memory, entry + 4));
            }
            INT.setRelease(memory, at + VALID, 0);
        }
        INT.set(memory, at + SAVED, 0);
    }
}
