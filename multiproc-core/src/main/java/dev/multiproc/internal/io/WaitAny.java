package dev.multiproc.internal.io;

import java.util.ArrayList;
import java.util.List;

/**
 * One wait over many objects, without a thread per object: the calling thread watches each
 * object's {@link Readiness} with one {@link Waker} and parks until any of them fires or the
 * deadline passes. A virtual thread parks without holding a carrier.
 *
 * <h2>No missed wake-up</h2>
 * The objects are looked at, then watched, then looked at again before the thread parks: a
 * change between the first look and the watch is seen by the second look; a change after the
 * watch fires the waker, and a waker fired before the park makes the park return at once.
 */
public final class WaitAny {
    private WaitAny() {}

    /**
     * The items whose readiness ({@code readiness.get(i)} for {@code items.get(i)}) is ready, in
     * their order, as soon as at least one is; an empty list if none is by {@code deadlineNanos}
     * ({@link System#nanoTime} based, or {@link Waker#NO_DEADLINE}). With no items it sleeps
     * until the deadline.
     *
     * @throws InterruptedException if the thread is interrupted while it waits (the interrupt
     *     status is cleared)
     */
    public static <W> List<W> await(List<W> items, List<Readiness> readiness, long deadlineNanos)
            throws InterruptedException {
        List<W> ready = look(items, readiness);
        if (!ready.isEmpty()) {
            return ready;
        }
        Waker waker = new Waker();
        List<Readiness.Watch> watches = new ArrayList<>(readiness.size());
        try {
            while (true) {
                for (Readiness r : readiness) {
                    watches.add(r.watch(waker::fire));
                }
                ready = look(items, readiness);
                if (!ready.isEmpty()) {
                    return ready;
                }
                if (!waker.awaitInterruptibly(deadlineNanos)) {
                    return List.of();
                }
                cancel(watches);
                ready = look(items, readiness);
                if (!ready.isEmpty()) {
                    return ready;
                }
            }
        } finally {
            cancel(watches);
        }
    }

    private static <W> List<W> look(List<W> items, List<Readiness> readiness) {
        List<W> ready = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (readiness.get(i).isReady()) {
                ready.add(items.get(i));
            }
        }
        return ready;
    }

    private static void cancel(List<Readiness.Watch> watches) {
        for (Readiness.Watch w : watches) {
            w.cancel();
        }
        watches.clear();
    }
}
