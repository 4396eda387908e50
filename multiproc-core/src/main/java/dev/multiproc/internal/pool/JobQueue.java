package dev.multiproc.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The jobs waiting for a worker: tasks and map calls in submission order, behind the jobs a
 * worker gave back (it died, or another worker took them over), which go first. A map call
 * stays in the queue until it has handed out its last element. Belongs to the pool's lock.
 */
final class JobQueue {
    private final ArrayDeque<Unit> givenBack = new ArrayDeque<>();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int tasks;

    /** How many submitted tasks wait (what the queue's capacity limits). */
    int tasks() {
        return tasks;
    }

    boolean isEmpty() {
        return givenBack.isEmpty() && queue.isEmpty();
    }

    int size() {
        return givenBack.size() + queue.size();
    }

    void add(TaskUnit task) {
        queue.add(task);
        tasks++;
    }

    void add(MapCall call) {
        queue.add(call);
    }

    /** Puts {@code units} (a worker's, in its order) back at the front. */
    void giveBack(List<Unit> units) {
        for (int i = units.size() - 1; i >= 0; i--) {
            Unit u = units.get(i);
            u.worker = null;
            u.reclaiming = false;
            givenBack.addFirst(u);
        }
    }

    /** Puts {@code unit} back at the front. */
    void giveBack(Unit unit) {
        giveBack(List.of(unit));
    }

    /** The next job to give a worker, or null; skips those decided meanwhile (cancelled). */
    Unit next() {
        Unit u;
        while ((u = givenBack.poll()) != null) {
            if (!u.isSettled()) {
                return u;
            }
        }
        while (!queue.isEmpty()) {
            Object head = queue.peek();
            if (head instanceof TaskUnit t) {
                queue.poll();
                tasks--;
                if (!t.isSettled()) {
                    return t;
                }
            } else {
                MapCall call = (MapCall) head;
                MapUnit m = call.take();
                if (!call.hasMore()) {
                    queue.poll();
                }
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    /** Takes a task out; true if it was waiting here as a submitted task (not given back). */
    boolean remove(TaskUnit task) {
        if (queue.remove(task)) {
            tasks--;
            return true;
        }
        givenBack.remove(task);
        return false;
    }

    /** Takes a map call out, and returns its units that were given back. */
    List<Unit> remove(MapCall call) {
        queue.remove(call);
        List<Unit> units = new ArrayList<>();
        for (Unit u : givenBack) {
            if (u instanceof MapUnit m && m.call == call) {
                units.add(u);
            }
        }
        return units;
    }

    /**
     * Empties the queue: returns the units not decided yet, for the caller to decide; each map
     * call still queued is passed to {@code leftOver} with its elements not handed out.
     */
    List<Unit> drain(Consumer<MapCall> leftOver) {
        List<Unit> out = new ArrayList<>();
        for (Unit u : givenBack) {
            if (!u.isSettled()) {
                out.add(u);
            }
        }
        givenBack.clear();
        for (Object o : queue) {
            if (o instanceof TaskUnit t) {
                if (!t.isSettled()) {
                    out.add(t);
                }
            } else {
                leftOver.accept((MapCall) o);
            }
        }
        queue.clear();
        tasks = 0;
        return out;
    }
}
