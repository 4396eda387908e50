package dev.multiproc.internal.engine;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Releases what an object held (an fd) once the object is unreachable, on the event loop:
 * what {@link java.lang.ref.Cleaner} does, without the thread of its own that a Cleaner
 * starts. The loop polls the reference queue every {@link #POLL_MILLIS} ms while anything is
 * registered.
 */
public final class Reclaimer {
    static final long POLL_MILLIS = 1000;

    /** Releases now instead of when the object is collected; runs the action at most once. */
    public interface Cleanable {
        void clean();
    }

    private final EventLoop loop;
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Set<Ref> registered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();

    private final class Ref extends PhantomReference<Object> implements Cleanable {
        private final Runnable action;
        private final AtomicBoolean done = new AtomicBoolean();

        Ref(Object referent, Runnable action) {
            super(referent, queue);
            this.action = action;
        }

        @Override
        public void clean() {
            if (done.compareAndSet(false, true)) {
                registered.remove(this);
                action.run();
            }
        }
    }

    Reclaimer(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code action} once {@code referent} is unreachable; {@code action} must not refer to it. */
    public Cleanable register(Object referent, Runnable action) {
        Ref ref = new Ref(referent, action);
        registered.add(ref);
        if (polling.compareAndSet(false, true)) {
            loop.schedule(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), this::poll);
        }
        return ref;
    }

    private void poll() {
        for (Object r = queue.poll(); r != null; r = queue.poll()) {
            ((Ref) r).clean();
        }
        if (registered.isEmpty()) {
            polling.set(false);
            if (registered.isEmpty() || !polling.compareAndSet(false, true)) {
                return;
            }
        }
        loop.schedule(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), this::poll);
    }
}
