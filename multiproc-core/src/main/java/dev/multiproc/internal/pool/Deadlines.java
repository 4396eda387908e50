package dev.multiproc.internal.pool;

import dev.multiproc.TaskTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The pool's task timeout: a job that runs longer fails with {@link TaskTimeoutException}, and
 * its worker is killed. Under the pool's lock.
 *
 * <h2>When a job started</h2>
 * The first job in hand of a ready worker has been running since {@link Worker#headSince()}:
 * the time its predecessor's answer was read, or the time it was sent to an idle worker. That
 * is never before it started, so a job is never timed out early; it may be late by the time an
 * answer takes to arrive. No thread and no message from the worker is needed: one timer per
 * worker at most, on the engine's event loop, checks the first job in hand, and sets itself
 * again for the job's due time if that job started after the timer was set.
 */
final class Deadlines {
    /** Runs an event on the pool's thread, under its lock, after a delay. */
    @FunctionalInterface
    interface Timer {
        void in(long nanos, Consumer<Batch> event);
    }

    private final Duration timeout;
    private final String poolName;
    private final Dispatch dispatch;
    private final Actions actions;
    private final Timer timer;
    private final LongSupplier clock;
    /** The workers whose timer is set. */
    private final Set<Worker> armed = Collections.newSetFromMap(new IdentityHashMap<>());

    /** @param timeout how long a job may run, or null for no limit */
    Deadlines(Duration timeout, String poolName, Dispatch dispatch, Actions actions, Timer timer, LongSupplier clock) {
        this.timeout = timeout;
        this.poolName = poolName;
        this.dispatch = dispatch;
        this.actions = actions;
        this.timer = timer;
        this.clock = clock;
    }

    /** {@code w}'s first job in hand started: sets its timer, unless one is set. */
    void started(Worker w) {
        if (timeout != null && armed.add(w)) {
            timer.in(timeout.toNanos(), batch -> check(w, batch));
        }
    }

    private void check(Worker w, Batch batch) {
        armed.remove(w);
        if (w.isDying() || !w.wasReady() || !dispatch.contains(w)) {
            return;
        }
        Unit head = w.head();
        if (head == null) {
            return;
        }
        long due = w.headSince() + timeout.toNanos();
        long now = clock.getAsLong();
        if (now - due < 0) {
            armed.add(w);
            timer.in(due - now, b -> check(w, b));
            return;
        }
        batch.fail(head, new TaskTimeoutException("a task in " + poolName + " ran longer than its timeout of "
                + timeout + "; " + w + " was killed", timeout, w.pid));
        actions.kill(w, head);
    }
}
