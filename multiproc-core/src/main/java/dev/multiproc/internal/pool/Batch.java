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
        deliveries.add(() -> outcomes.answer(unit, worker, frame));
        return true;
    }

    /** Decides that {@code unit} failed with {@code failure}; false if it was decided already. */
    boolean fail(Unit unit, Throwable failure) {
        if (!unit.settle()) {
            return false;
        }
        deliveries.add(() -> outcomes.fail(unit, failure));
        return true;
    }

    /** Decides that {@code unit} is cancelled; false if it was decided already. */
    boolean cancel(Unit unit) {
        if (!unit.settle()) {
            return false;
        }
        deliveries.add(() -> outcomes.cancel(unit));
        return true;
    }

    /** Fails the elements {@code [from, to)} of {@code call}, which were never handed out. */
    void failElements(MapCall call, int from, int to, Throwable failure) {
        if (from < to) {
            deliveries.add(() -> {
                for (int i = from; i < to; i++) {
                    call.fail(i, failure);
                }
            });
        }
    }

    /** Runs {@code action} with the deliveries, after the lock. */
    void run(Runnable action) {
        deliveries.add(action);
    }

    boolean hasDeliveries() {
        return !deliveries.isEmpty();
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
        for (Runnable r : deliveries) {
            try {
                r.run();
            } catch (Throwable t) {
                // Delivering catches what a result or an exception throws while it is read, and a
                // stage's own failure goes into the stage's future: this is a bug of ours. Say it, go on.
                System.getLogger(Batch.class.getName()).log(System.Logger.Level.ERROR, "delivering an outcome failed", t);
            }
        }
    }
}
