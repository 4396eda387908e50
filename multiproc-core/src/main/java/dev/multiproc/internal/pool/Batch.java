package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * What one turn under the pool's lock decided and what is left to do after the lock is
 * released: the outboxes to send, those to close, and the outcomes to deliver. Delivering
 * runs the stages that depend on futures, which must never run under the lock.
 */
final class Batch {
    private final List<Outbox> touched = new ArrayList<>(4);
    private final List<Outbox> closing = new ArrayList<>(1);
    private final List<Runnable> deliveries = new ArrayList<>();
    private final Answers answers;

    Batch(Answers answers) {
        this.answers = answers;
    }

    void touch(Outbox outbox) {
        if (!touched.contains(outbox)) {
            touched.add(outbox);
        }
    }

    void close(Outbox outbox) {
        closing.add(outbox);
    }

    void answer(Unit unit, Worker worker, Protocol.Frame frame) {
        deliveries.add(() -> answers.answer(unit, worker, frame));
    }

    void fail(Unit unit, Throwable failure) {
        deliveries.add(() -> answers.fail(unit, failure));
    }

    void cancel(Unit unit) {
        deliveries.add(() -> answers.cancel(unit));
    }

    void failElements(MapCall call, int from, int to, Throwable failure) {
        if (from < to) {
            deliveries.add(() -> {
                for (int i = from; i < to; i++) {
                    call.fail(i, failure);
                }
            });
        }
    }

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
