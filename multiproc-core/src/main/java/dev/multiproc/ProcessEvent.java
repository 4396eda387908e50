package dev.multiproc;

import dev.multiproc.internal.ipc.FutexWait;
import dev.multiproc.internal.ipc.Members;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.ipc.SharedObject;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A flag between processes that threads can wait for (Python's {@code multiprocessing.Event}):
 * {@link #set()} raises it and wakes every waiter in every process, {@link #clear()} lowers it,
 * {@link #await(Duration)} waits until it is raised. Capture it in a {@link Task} and the child
 * uses the same one; closing it is this process's own.
 *
 * <p>Raising a flag nobody waits for costs no system call: waiters count themselves, per
 * process, and the count of a process that ends is taken back. A waiter sleeps in the kernel
 * ({@code futex}), a virtual thread without holding its carrier.
 */
public final class ProcessEvent implements Waitable, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long FLAG = SharedObject.STATE;
    private static final long SLEEPERS = SharedObject.STATE + 4;
    private static final int SLEEPING = 0;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;

    private ProcessEvent(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        core.join(this::recover);
    }

    /** A new event, not set. */
    public static ProcessEvent create() {
        SharedObject core = SharedObject.create(SharedObject.Kind.EVENT, 0, SharedObject.MEMBERS, true, "ProcessEvent");
        ProcessEvent event = new ProcessEvent(core);
        core.attach(event);
        return event;
    }

    /**
     * Raises the flag and wakes every waiter, in every process (a system call only if one waits).
     *
     * @throws ObjectClosedException if this process closed the event
     */
    public void set() {
        core.checkOpen();
        try {
            INT.setVolatile(memory, FLAG, 1);
            if ((int) INT.getVolatile(memory, SLEEPERS) > 0) {
                FutexWait.wake(core.word(FLAG), Integer.MAX_VALUE);
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Lowers the flag.
     *
     * @throws ObjectClosedException if this process closed the event
     */
    public void clear() {
        core.checkOpen();
        try {
            INT.setVolatile(memory, FLAG, 0);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * True if the flag is raised.
     *
     * @throws ObjectClosedException if this process closed the event
     */
    public boolean isSet() {
        core.checkOpen();
        try {
            return (int) INT.getVolatile(memory, FLAG) != 0;
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Waits until the flag is raised, at most {@code timeout} (a zero or negative one looks
     * once); returns whether it is raised (Python's {@code wait(timeout)}).
     *
     * @throws InterruptedException if this thread is interrupted first
     * @throws ObjectClosedException if this process closed the event, before or during the wait
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        return sleep(nanos);
    }

    /**
     * Waits until the flag is raised.
     *
     * @throws InterruptedException if this thread is interrupted first
     * @throws ObjectClosedException if this process closed the event, before or during the wait
     */
    public void await() throws InterruptedException {
        sleep(-1);
    }

    /**
     * Closes the event in this process: a thread of this process waiting on it wakes with
     * {@link ObjectClosedException}. Other processes go on. Idempotent.
     */
    @Override
    public void close() {
        core.close(this, FLAG);
    }

    /** True once this process closed the event. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** For {@link Multiproc#waitReady}: ready when set (or closed here), watched through {@link #whenSet}. */
    Readiness readiness() {
        return new Readiness() {
            @Override
            public boolean isReady() {
                return isClosed() || isSet();
            }

            @Override
            public Watch watch(Runnable wake) {
                if (isClosed()) {
                    wake.run();
                    return () -> { };
                }
                return whenSet(wake)::cancel;
            }
        };
    }

    /**
     * Runs {@code callback} once, on a thread of the library's (it must not block), as soon as
     * the flag is raised (at once if it is): for a wait over many objects. The returned handle
     * cancels it. The event must stay open until the callback ran or was cancelled.
     *
     * @throws ObjectClosedException if this process closed the event
     */
    FutexWait.Registration whenSet(Runnable callback) {
        core.checkOpen();
        Members members = core.members();
        long mine = SharedObject.MEMBERS + members.dataOffset(members.slot(), SLEEPING);
        count(mine, 1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable uncount = () -> {
            if (done.compareAndSet(false, true) && !core.isClosed()) {
                count(mine, -1);
            }
        };
        if ((int) INT.getVolatile(memory, FLAG) != 0) {
            uncount.run();
            callback.run();
            return () -> { };
        }
        FutexWait.Registration registration = FutexWait.whenChanged(core.word(FLAG), 0, () -> {
            uncount.run();
            callback.run();
        });
        return () -> {
            registration.cancel();
            uncount.run();
        };
    }

    private boolean sleep(long timeoutNanos) throws InterruptedException {
        core.checkOpen();
        try {
            if ((int) INT.getVolatile(memory, FLAG) != 0) {
                return true;
            }
            Members members = core.members();
            long mine = SharedObject.MEMBERS + members.dataOffset(members.slot(), SLEEPING);
            long deadline = System.nanoTime() + timeoutNanos;
            count(mine, 1);
            try {
                while ((int) INT.getVolatile(memory, FLAG) == 0) {
                    long left = -1;
                    if (timeoutNanos >= 0) {
                        left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                    }
                    core.sleepOnWord(FLAG, 0, left, true, false);
                }
                return true;
            } finally {
                if (!core.isClosed()) {
                    count(mine, -1);
                }
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Counts this process's sleepers up or down. The total goes up before the process's own
     * count and down after it: a process that ends in between leaves the total too high (a
     * wasted wake-up later), never too low (a lost one).
     */
    private void count(long mine, int delta) {
        if (delta > 0) {
            INT.getAndAdd(memory, SLEEPERS, delta);
            INT.getAndAdd(memory, mine, delta);
        } else {
            INT.getAndAdd(memory, mine, delta);
            INT.getAndAdd(memory, SLEEPERS, delta);
        }
    }

    /** The member of {@code slot} ended or left: its sleepers are no longer counted. */
    private void recover(int slot, long identity, int token) {
        long theirs = SharedObject.MEMBERS + core.members().dataOffset(slot, SLEEPING);
        int sleeping = (int) INT.getAndSet(memory, theirs, 0);
        if (sleeping != 0) {
            INT.getAndAdd(memory, SLEEPERS, -sleeping);
        }
    }

    @Override
    public String toString() {
        if (core.isClosed()) {
            return core.what() + "[closed]";
        }
        try {
            return core.what() + ((int) INT.getVolatile(memory, FLAG) != 0 ? "[set]" : "[not set]");
        } catch (IllegalStateException e) {
            return core.what() + "[closed]";
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form());
    }

    private record Form(SharedObject.Form core) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, ProcessEvent.class, ProcessEvent::new);
        }
    }
}
