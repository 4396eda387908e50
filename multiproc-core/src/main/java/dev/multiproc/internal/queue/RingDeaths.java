package dev.multiproc.internal.queue;

import static dev.multiproc.internal.queue.Ring.COMMITTED;
import static dev.multiproc.internal.queue.Ring.DISCARDED;
import static dev.multiproc.internal.queue.Ring.DISCARDED_COUNT;
import static dev.multiproc.internal.queue.Ring.INT;
import static dev.multiproc.internal.queue.Ring.IN_PROGRESS;
import static dev.multiproc.internal.queue.Ring.LONG;
import static dev.multiproc.internal.queue.Ring.READ_LOCK;
import static dev.multiproc.internal.queue.Ring.RETURNED;
import static dev.multiproc.internal.queue.Ring.TAIL;
import static dev.multiproc.internal.queue.Ring.TAIL_LOCK;
import static dev.multiproc.internal.queue.Ring.TAKEN;
import static dev.multiproc.internal.queue.Ring.TOKEN_MASK;
import static dev.multiproc.internal.queue.Ring.WAITERS;
import static dev.multiproc.internal.queue.Ring.lengthOf;
import static dev.multiproc.internal.queue.Ring.position;
import static dev.multiproc.internal.queue.Ring.state;
import static dev.multiproc.internal.queue.Ring.tokenOf;
import static dev.multiproc.internal.queue.Ring.withState;

/**
 * What members' work in flight looks like in a {@link Ring}, and what a death leaves there: the
 * records a member is writing or copying out, found by walking from head (or read) to tail, and
 * the repair of what an ended member left ({@link #recover}). Pure logic over the ring's memory, as
 * the ring is.
 *
 * <h2>A death ({@link #recover})</h2>
 * For a member token whose process ended: a tail lock it held is freed (what it wrote beyond the
 * tail is not a record yet); a read lock it held is freed and a record it had marked taken at the
 * read position is committed again; then every record between head and tail is looked at: one it
 * was writing ({@link Ring#IN_PROGRESS}) becomes {@link Ring#DISCARDED} and is counted, one it was copying
 * out ({@link Ring#TAKEN}) is committed again and handed out again (a record behind the read position
 * is found by the next taker, which looks behind read while {@link Ring#RETURNED} says some are
 * there). Committed records are never touched: nothing committed is lost. Each change is a
 * compare-and-set from a state that names the dead token, so two processes recovering at once,
 * or a recovery racing with live producers and consumers, change each record at most once.
 */
final class RingDeaths {
    private RingDeaths() {}

    /** A snapshot, for diagnostics: the payload lengths of the records being written now. */
    static int[] beingWritten(Ring r) {
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        int at = position(r.read());
        int end = position((long) LONG.getAcquire(r.memory, TAIL));
        while (at != end) {
            long header = r.header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                break;
            }
            if (state(header) == IN_PROGRESS) {
                lengths.add((int) INT.getVolatile(r.memory, r.offset(at) + 8));
            }
            at += length;
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A snapshot, for diagnostics: how many records are being copied out now. */
    static int beingTaken(Ring r) {
        int count = 0;
        int at = r.head();
        int end = position(r.read());
        while (at != end) {
            long header = r.header(at);
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
    static int frontToken(Ring r) {
        int at = position(r.read());
        if (at == position((long) LONG.getAcquire(r.memory, TAIL))) {
            return 0;
        }
        long header = r.header(at);
        return state(header) == IN_PROGRESS ? tokenOf(header) : 0;
    }

    /** What {@link #recover} did: records discarded and handed out again, and locks whose sleepers must be woken. */
    record Recovered(int discarded, int returned, boolean wakeTailLock, boolean wakeReadLock) {
        /** True if anything changed: the sleepers of the queue must look again. */
        boolean any() {
            return discarded > 0 || returned > 0 || wakeTailLock || wakeReadLock;
        }
    }

    /** Repairs what the ended member {@code dead} (a token) left; see the class comment. Idempotent. */
    static Recovered recover(Ring r, int dead) {
        boolean readFreed = false;
        int readLock = r.lockWord(READ_LOCK);
        if ((readLock & TOKEN_MASK) == dead) {
            int at = position(r.read());
            if (at != position((long) LONG.getAcquire(r.memory, TAIL))) {
                long header = r.header(at);
                if (state(header) == TAKEN && tokenOf(header) == dead) {
                    LONG.compareAndSet(r.memory, r.offset(at), header, withState(header, COMMITTED, 0));
                }
            }
            readFreed = INT.compareAndSet(r.memory, READ_LOCK, readLock, 0);
        }
        boolean tailFreed = false;
        int tailLock = r.lockWord(TAIL_LOCK);
        if ((tailLock & TOKEN_MASK) == dead) {
            tailFreed = INT.compareAndSet(r.memory, TAIL_LOCK, tailLock, 0);
        }
        int discarded = 0;
        int returned = 0;
        int at = r.head();
        int end = position((long) LONG.getAcquire(r.memory, TAIL));
        while (at != end) {
            int head = r.head();
            if (at - head < 0) {
                at = head; // freed under us: go on from the front
                continue;
            }
            long header = r.header(at);
            int length = lengthOf(header);
            if (length <= 0 || end - at < length) {
                break; // a header being rewritten: whatever follows is not the dead member's
            }
            int state = state(header);
            if (tokenOf(header) == dead && state == IN_PROGRESS
                    && LONG.compareAndSet(r.memory, r.offset(at), header, withState(header, DISCARDED, 0))) {
                INT.getAndAdd(r.memory, DISCARDED_COUNT, 1);
                discarded++;
            } else if (tokenOf(header) == dead && state == TAKEN
                    && LONG.compareAndSet(r.memory, r.offset(at), header, withState(header, COMMITTED, 0))) {
                INT.getAndAdd(r.memory, RETURNED, 1);
                returned++;
            }
            at += length;
        }
        r.advanceHead();
        return new Recovered(discarded, returned, tailFreed && (tailLock & WAITERS) != 0,
                readFreed && (readLock & WAITERS) != 0);
    }
}
