package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * What one turn under the pool's lock decided and what is left to do after the lock is
 * released: the outboxes to send, those to close, and the outcomes to deliver. Delivering
 * runs the stages that depend on futures, which must never run under the lock.
 *
 * <p>{@link #answer}, {@link #fail} and {@link #cancel} decide a job: each settles it first
 * ({@link Unit#settle()}) and does nothing, returning false, for a job decided already.
 */
final class Batch {
    private final List<Outbox> touched = new ArrayList<>(4);
    private final List<Outbox> closing = new ArrayList<>(1);
    private final List<Runnable> deliveries = new ArrayList<>();
    /** The job each delivery decides, or null (map elements never handed out, other actions). */
    private final List<Unit> decided = new ArrayList<>();
    private final Outcomes outcomes;

    Batch(Outcomes outcomes) {
        this.outcomes = outcomes;
    }

    /** {@code outbox} had frames appended: send them after the lock. */
    void touch(Outbox outbox) {
        if (!touched.contains(outbox)) {
            touched.add(outbox);
        }
    }

    /** Close {@code outbox}'s pipe once what was appended is written. */
    void close(Outbox outbox) {
        closing.add(outbox);
    }

    /** Decides {@code unit} by {@code worker}'s {@code frame}; false if it was decided already. */
    boolean answer(Unit unit, Worker worker, Protocol.Frame frame) {
        if (!unit.settle()) {
            return false;
        }
        add(unit, () -> outcomes.answer(unit, worker, frame));
        return true;
    }

    /** Decides that {@code unit} failed with {@code failure}; false if it was decided already. */
    boolean fail(Unit unit, Throwable failure) {
        if (!unit.settle()) {
            return false;
        }
        add(unit, () -> outcomes.fail(unit, failure));
        return true;
    }

    /** Decides that {@code unit} is cancelled; false if it was decided already. */
    boolean cancel(Unit unit) {
        if (!unit.settle()) {
            return false;
        }
        add(unit, () -> outcomes.cancel(unit));
        return true;
    }

    /** Fails the elements {@code [from, to)} of {@code call}, which were never handed out. */
    void failElements(MapCall call, int from, int to, Throwable failure) {
        if (from < to) {
            add(null, () -> {
                for (int i = from; i < to; i++) {
                    call.fail(i, failure);
                }
            });
        }
    }

    /** Runs {@code action} with the deliveries, after the lock. */
    void run(Runnable action) {
        add(null, action);
    }

    private void add(Unit unit, Runnable delivery) {
        decided.add(unit);
        deliveries.add(delivery);
    }

    /** Writes what was appended; then closes the pipes to close. */
    void send() {
        for (Outbox o : touched) {
            o.send();
        }
        for (Outbox o : closing) {
            o.closeWhenDrained();
        }
    }

    /** Delivers the outcomes, in the order they were decided. */
    void deliver() {
        deliveries.forEach(Batch::deliver);
    }

    /**
     * Delivers the outcome of {@code unit} alone, if it was decided here, and returns what
     * delivers the others (in the order they were decided), or null if there are none.
     */
    Runnable deliverOnly(Unit unit) {
        List<Runnable> others = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            if (decided.get(i) == unit) {
                deliver(deliveries.get(i));
            } else {
                others.add(deliveries.get(i));
            }
        }
        return others.isEmpty() ? null : () -> others.forEach(Batch::deliver);
    }

    private static void deliver(Runnable delivery) {
        try {
            delivery.run();
        } catch (Throwable t) {
            // Delivering catches what a result or an exception throws while it is read, and a
            // stage's own failure goes into the stage's future: this is a bug of ours. Say it, go on.
            System.getLogger(Batch.class.getName()).log(System.Logger.Level.ERROR, "delivering an outcome failed", t);
        }
    }
}
