package dev.multiproc.internal.wire;

import java.io.InvalidObjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * The file descriptors that travel with a serialized object graph: a task that captures a
 * pipe's end, a queue or a shared segment carries their fds, which cannot go into the bytes.
 *
 * <h2>How a handle travels</h2>
 * While a task is serialized for another process, the sending thread holds a collection
 * ({@link #collecting}). An object whose state lives in fds replaces itself in the stream
 * ({@code writeReplace}) by a small form that names each of its fds by a <em>slot</em>, the
 * index {@link #carry} gives it, never by its number here: the number means nothing in the
 * other process. The fds are then handed over outside the bytes, in slot order: inherited at
 * the spawn, or sent over a Unix socket with {@code SCM_RIGHTS} to a process that already runs.
 * The receiving thread deserializes within {@link #receiving}, and the form's
 * {@code readResolve} turns each slot back into the fd that arrived for it ({@link #received}).
 *
 * <h2>Who closes what arrived</h2>
 * An fd that a form's {@code readResolve} took ({@link #received}) belongs to the handle from
 * then on: it keeps it (a pipe's end, until it is closed) or closes it (a segment this process
 * has mapped already). A process that runs many tasks (a pool's worker) deserializes within
 * {@link #receiving(int[], IntConsumer, Callable)}, which closes the fds that no form took once
 * the deserialization is over, whether it succeeded or not: nothing arrives to stay open unused.
 *
 * <h2>A handle serialized by hand</h2>
 * Outside a collection {@link #carry} returns {@link #NOT_CARRIED}; a form holding that slot,
 * or read where no fds arrived, is refused by {@link #received} with an error that says so,
 * never mapped onto whatever fd has that number here.
 *
 * <p>Pure Java: both sides load it, and a child must load little.
 */
public final class FdSlots {
    /** The slot of an fd that was serialized outside a collection: no fd travels for it. */
    public static final int NOT_CARRIED = -1;

    private static final ThreadLocal<FdSlots> CURRENT = new ThreadLocal<>();

    private final List<Integer> outgoing;
    private final List<LongConsumer> handedOver;
    private final int[] incoming;
    /** Which of {@link #incoming} a form took ({@link #received}), or null. */
    private final boolean[] taken;

    private FdSlots(List<Integer> outgoing, List<LongConsumer> handedOver, int[] incoming) {
        this.outgoing = outgoing;
        this.handedOver = handedOver;
        this.incoming = incoming;
        this.taken = incoming == null ? null : new boolean[incoming.length];
    }

    /**
     * What {@link #collecting} made: the work's result, the fds to hand over, in slot order, and
     * what to do once they have been handed over.
     */
    public record Collected<T>(T value, List<Integer> fds, List<LongConsumer> handedOver) {
        /** Runs the actions the handles asked for once their fds are in the other process. */
        public void handOverDone() {
            handOverDone(UNKNOWN_RECEIVER);
        }

        /**
         * Runs the actions the handles asked for once their fds are in the process
         * {@code receiverPid}, telling them which process that is.
         */
        public void handOverDone(long receiverPid) {
            handedOver.forEach(action -> action.accept(receiverPid));
        }
    }

    /** What {@link Collected#handOverDone()} tells the handles: the receiving process is not known. */
    public static final long UNKNOWN_RECEIVER = -1;

    /**
     * Runs {@code work} (a serialization) with a collection for this thread; the fds that
     * handles in the graph {@link #carry carried} come back in slot order. The same fd carried
     * twice gets one slot.
     */
    public static <T> Collected<T> collecting(Callable<T> work) throws Exception {
        FdSlots previous = CURRENT.get();
        FdSlots slots = new FdSlots(new ArrayList<>(), new ArrayList<>(), null);
        CURRENT.set(slots);
        try {
            T value = work.call();
            return new Collected<>(value, List.copyOf(slots.outgoing), List.copyOf(slots.handedOver));
        } finally {
            restore(previous);
        }
    }

    /**
     * Runs {@code work} (a deserialization) with {@code fds} as the fds that arrived for slots
     * 0, 1, ... on this thread.
     */
    public static <T> T receiving(int[] fds, Callable<T> work) throws Exception {
        FdSlots previous = CURRENT.get();
        CURRENT.set(new FdSlots(null, null, fds.clone()));
        try {
            return work.call();
        } finally {
            restore(previous);
        }
    }

    /**
     * As {@link #receiving(int[], Callable)}, and then passes each fd of {@code fds} that no form
     * took to {@code closeUnclaimed}, whatever {@code work} did: for a process that receives fds
     * for many tasks, where an fd nobody took would stay open for ever.
     */
    public static <T> T receiving(int[] fds, IntConsumer closeUnclaimed, Callable<T> work) throws Exception {
        FdSlots previous = CURRENT.get();
        FdSlots slots = new FdSlots(null, null, fds.clone());
        CURRENT.set(slots);
        try {
            return work.call();
        } finally {
            restore(previous);
            for (int i = 0; i < slots.incoming.length; i++) {
                if (!slots.taken[i]) {
                    closeUnclaimed.accept(slots.incoming[i]);
                }
            }
        }
    }

    /**
     * From a {@code writeReplace}: the slot under which {@code fd} travels, or
     * {@link #NOT_CARRIED} if this thread is not serializing for another process.
     */
    public static int carry(int fd) {
        FdSlots slots = CURRENT.get();
        if (slots == null || slots.outgoing == null) {
            return NOT_CARRIED;
        }
        int known = slots.outgoing.indexOf(fd);
        if (known >= 0) {
            return known;
        }
        slots.outgoing.add(fd);
        return slots.outgoing.size() - 1;
    }

    /**
     * As {@link #carry(int)}, and runs {@code handedOver} once the fds of this collection are in
     * the other process: for an fd that belongs to that process only from then on (a pipe's end
     * that a child takes), which this JVM then closes, so that end of file comes when it should.
     * Nothing runs outside a collection.
     */
    public static int carry(int fd, Runnable handedOver) {
        return carry(fd, receiverPid -> handedOver.run());
    }

    /**
     * As {@link #carry(int, Runnable)}, telling {@code handedOverTo} the pid of the process the fd
     * went to ({@link #UNKNOWN_RECEIVER} if the sender does not know it): for a handle whose
     * sibling in this JVM wants to know who holds the other end (a pipe's peer, whose exit status
     * it reports).
     */
    public static int carry(int fd, LongConsumer handedOverTo) {
        int slot = carry(fd);
        if (slot != NOT_CARRIED) {
            CURRENT.get().handedOver.add(handedOverTo);
        }
        return slot;
    }

    /**
     * From a {@code readResolve}: the fd that arrived in this process for {@code slot}.
     *
     * @param what the object, for the message
     * @throws InvalidObjectException if the handle was serialized outside a collection, or its
     *     fds did not come with it (a handle serialized by hand and read in another process)
     */
    public static int received(int slot, String what) throws InvalidObjectException {
        FdSlots slots = CURRENT.get();
        if (slot == NOT_CARRIED) {
            throw new InvalidObjectException(what + " was serialized outside a task, so its file descriptors did"
                    + " not travel with it; hand it to another process by capturing it in a Task (or pass its fd"
                    + " to a command with passFd)");
        }
        if (slots == null || slots.incoming == null || slot >= slots.incoming.length || slot < 0) {
            throw new InvalidObjectException(what + " needs the file descriptor of slot " + slot
                    + ", which did not arrive in this process: it was read outside the task it was sent with");
        }
        slots.taken[slot] = true;
        return slots.incoming[slot];
    }

    private static void restore(FdSlots previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
