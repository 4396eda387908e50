package dev.multiproc.internal.ipc;

import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Futex;
import dev.multiproc.internal.posix.FutexWaitv;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Sleeps in the kernel for the virtual threads of this process (and for callbacks), so that none
 * of them holds its carrier while it waits for a futex word.
 *
 * <h2>Design</h2>
 * A virtual thread that waits for a word to change registers the word and the value it expects
 * here, then parks. One daemon platform thread sleeps in {@code futex_waitv} on every distinct
 * (word, expected value) registered, plus a word of its own, the <em>control</em> word, that a
 * registration bumps and wakes when it adds a word the thread is not sleeping on. When the call
 * returns, every word that was woken or no longer holds its expected value has its waiters told
 * (a virtual thread is unparked; a callback runs, on this thread, and must not block), and the
 * thread sleeps again on what is left. A word that changed before the thread went to sleep makes
 * the call return at once, so no wake is lost between a waiter's last look and its sleep, as with
 * a plain futex wait.
 *
 * <h2>What a wake means</h2>
 * The thread is one sleeper among others on a word: a {@code FUTEX_WAKE} of one waiter that
 * picks it stands for all the waiters registered here on that word, and all are told; each
 * looks again and waits again if it has nothing to do. So a wake meant for one waiter never
 * falls on nobody, at the cost of a few spurious wake-ups inside this process.
 *
 * <h2>Limits</h2>
 * One call waits on at most 128 words: one thread serves 127 words besides its control word,
 * and another is started when all are taken (threads stay O(1) unless hundreds of distinct
 * words are waited on at once). No thread exists before the first virtual thread waits. A word
 * whose mapping is gone (its object was closed) counts as changed.
 */
final class FutexWatcher {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int WORDS = FutexWaitv.MAX - 1;
    private static final System.Logger LOG = System.getLogger(FutexWatcher.class.getName());

    /** The watchers of this process; guarded by the class. */
    private static final List<FutexWatcher> WATCHERS = new ArrayList<>();

    /** Told that its word was woken or changed; called on the watcher's thread, it must not block. */
    interface Waiter {
        void wake();
    }

    /** A registration; {@link #cancel} it when the wait is over, whatever ended it. */
    static final class Registration {
        private final FutexWatcher watcher;
        private final Key key;
        private final Waiter waiter;

        private Registration(FutexWatcher watcher, Key key, Waiter waiter) {
            this.watcher = watcher;
            this.key = key;
            this.waiter = waiter;
        }

        /** Removes the registration (nothing happens if it was told already). */
        void cancel() {
            watcher.remove(this);
        }
    }

    /** A virtual thread's waiter: unparks it. */
    static final class Parker implements Waiter {
        private final Thread thread = Thread.currentThread();
        private volatile boolean woken;

        @Override
        public void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        boolean woken() {
            return woken;
        }
    }

    private record Key(long address, int expected) {}

    private static final class Entry {
        final MemorySegment word;
        final int expected;
        final List<Waiter> waiters = new ArrayList<>();

        Entry(MemorySegment word, int expected) {
            this.word = word;
            this.expected = expected;
        }

        boolean changed() {
            if (!word.scope().isAlive()) {
                return true;
            }
            try {
                return (int) INT.getVolatile(word, 0L) != expected;
            } catch (IllegalStateException closedMeanwhile) {
                return true;
            }
        }
    }

    private final Object lock = new Object();
    private final MemorySegment control;
    private final MemorySegment vector;
    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private int controlValue;
    private boolean sleeping;

    private FutexWatcher() {
        Arena arena = Arena.ofAuto();
        control = arena.allocate(ValueLayout.JAVA_INT);
        vector = FutexWaitv.vector(arena, FutexWaitv.MAX);
        Thread thread = Thread.ofPlatform().name("multiproc-futex-" + WATCHERS.size()).daemon(true)
                .unstarted(this::run);
        thread.setContextClassLoader(null); // runs no user code besides the non-blocking callbacks
        thread.start();
    }

    /**
     * Registers {@code waiter} for {@code word} (4-byte aligned, in a segment that stays mapped
     * until the registration is cancelled) while it holds {@code expected}.
     */
    static Registration register(MemorySegment word, int expected, Waiter waiter) {
        if (word.address() % 4 != 0) {
            throw new IllegalArgumentException("a futex word must be 4-byte aligned: " + word);
        }
        synchronized (FutexWatcher.class) {
            for (FutexWatcher watcher : WATCHERS) {
                Registration r = watcher.add(word, expected, waiter);
                if (r != null) {
                    return r;
                }
            }
            FutexWatcher watcher = new FutexWatcher();
            WATCHERS.add(watcher);
            return watcher.add(word, expected, waiter);
        }
    }

    /** How many watcher threads run (for tests). */
    static int threads() {
        synchronized (FutexWatcher.class) {
            return WATCHERS.size();
        }
    }

    private Registration add(MemorySegment word, int expected, Waiter waiter) {
        Key key = new Key(word.address(), expected);
        synchronized (lock) {
            Entry entry = entries.get(key);
            if (entry == null) {
                if (entries.size() >= WORDS) {
                    return null;
                }
                entry = new Entry(word, expected);
                entries.put(key, entry);
                poke();
            }
            entry.waiters.add(waiter);
            return new Registration(this, key, waiter);
        }
    }

    private void remove(Registration registration) {
        synchronized (lock) {
            Entry entry = entries.get(registration.key);
            if (entry != null && entry.waiters.remove(registration.waiter) && entry.waiters.isEmpty()) {
                // the kernel must stop looking at the word: its mapping may go once the wait is over
                entries.remove(registration.key);
                poke();
            }
        }
    }

    /** Tells the thread its words changed: it sleeps again on the new set. Called under the lock. */
    private void poke() {
        controlValue++;
        INT.setVolatile(control, 0L, controlValue);
        if (sleeping) {
            try {
                Futex.wake(control, 1);
            } catch (ErrnoException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private void run() {
        Entry[] watched = new Entry[FutexWaitv.MAX];
        while (true) {
            int count;
            List<Waiter> gone = new ArrayList<>();
            synchronized (lock) {
                FutexWaitv.set(vector, 0, control, controlValue);
                count = 1;
                for (var it = entries.values().iterator(); it.hasNext(); ) {
                    Entry entry = it.next();
                    if (!entry.word.scope().isAlive()) {
                        it.remove();
                        gone.addAll(entry.waiters);
                        continue;
                    }
                    FutexWaitv.set(vector, count, entry.word.address(), entry.expected);
                    watched[count++] = entry;
                }
                sleeping = gone.isEmpty();
            }
            if (!gone.isEmpty()) {
                tell(gone);
                for (int i = 1; i < count; i++) {
                    watched[i] = null;
                }
                continue;
            }
            int woken;
            try {
                woken = FutexWaitv.futex_waitv(vector, count, -1);
            } catch (ErrnoException | RuntimeException e) {
                woken = FutexWaitv.CHANGED; // EFAULT: a mapping went; its entry counts as changed below
                if (!anyGone(watched, count)) {
                    LOG.log(System.Logger.Level.ERROR, "futex_waitv failed; going on", e);
                    LockSupport.parkNanos(10_000_000L);
                }
            }
            List<Waiter> told = new ArrayList<>();
            synchronized (lock) {
                sleeping = false;
                for (int i = 1; i < count; i++) {
                    Entry entry = watched[i];
                    watched[i] = null;
                    Key key = new Key(entry.word.address(), entry.expected);
                    if (entries.get(key) == entry && (woken == i || entry.changed())) {
                        entries.remove(key);
                        told.addAll(entry.waiters);
                    }
                }
            }
            tell(told);
        }
    }

    private static void tell(List<Waiter> waiters) {
        for (Waiter waiter : waiters) {
            try {
                waiter.wake();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "a futex callback failed", t);
            }
        }
    }

    private static boolean anyGone(Entry[] watched, int count) {
        for (int i = 1; i < count; i++) {
            if (!watched[i].word.scope().isAlive()) {
                return true;
            }
        }
        return false;
    }
}
