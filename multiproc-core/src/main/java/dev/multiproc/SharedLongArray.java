package dev.multiproc;

import dev.multiproc.internal.ipc.SharedObject;
import dev.multiproc.internal.ipc.Sizes;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * An array of {@code long}s in memory shared between processes, with atomic operations (Python's
 * {@code multiprocessing.Array('q', n)}; its {@code Value} is an array of one). Capture it in a
 * {@link Task} and the child reads and writes the same memory; a counter needs no lock:
 * {@code counts.getAndAdd(i, 1)} is one atomic instruction, from any process.
 *
 * <p>{@link #get} and {@link #set} are volatile accesses, as {@link
 * java.util.concurrent.atomic.AtomicLongArray}'s are; {@link #getAcquire} and {@link #setRelease}
 * are the cheaper ordered ones. Closing is this process's own: other processes keep the memory
 * until they close it too, and it is freed when the last one does (or ends).
 */
public final class SharedLongArray implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long DATA = SharedObject.STATE;
    private static final VarHandle ELEMENTS = ValueLayout.JAVA_LONG.arrayElementVarHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient int length;

    private SharedLongArray(SharedObject core) {
        this.core = core;
        this.memory = core.memory();
        this.length = (int) core.parameter();
    }

    /**
     * A new array of {@code length} zeros.
     *
     * @throws IllegalArgumentException if {@code length} is not positive, or the array would be
     *     larger than this machine's memory (the message names the size and the limit)
     */
    public static SharedLongArray create(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("SharedLongArray.create(" + length + "): the length must be positive");
        }
        Sizes.checkBytes("SharedLongArray.create(" + length + ")", DATA + 8L * length);
        SharedObject core = SharedObject.create(SharedObject.Kind.LONG_ARRAY, length, DATA + 8L * length, false,
                "SharedLongArray");
        SharedLongArray array = new SharedLongArray(core);
        core.attach(array);
        return array;
    }

    /** The number of elements. */
    public int length() {
        return length;
    }

    /**
     * The element at {@code index}, with volatile semantics.
     *
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     * @throws ObjectClosedException if this process closed the array
     */
    public long get(int index) {
        try {
            return (long) ELEMENTS.getVolatile(memory, DATA, (long) Objects.checkIndex(index, length));
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Sets the element at {@code index}, with volatile semantics. */
    public void set(int index, long value) {
        try {
            ELEMENTS.setVolatile(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** The element at {@code index}, with acquire semantics. */
    public long getAcquire(int index) {
        try {
            return (long) ELEMENTS.getAcquire(memory, DATA, (long) Objects.checkIndex(index, length));
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Sets the element at {@code index}, with release semantics. */
    public void setRelease(int index, long value) {
        try {
            ELEMENTS.setRelease(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Adds {@code delta} to the element at {@code index} atomically; returns the value before. */
    public long getAndAdd(int index, long delta) {
        try {
            return (long) ELEMENTS.getAndAdd(memory, DATA, (long) Objects.checkIndex(index, length), delta);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Adds {@code delta} to the element at {@code index} atomically; returns the value after. */
    public long addAndGet(int index, long delta) {
        return getAndAdd(index, delta) + delta;
    }

    /** Sets the element at {@code index} to {@code value} atomically; returns the value before. */
    public long getAndSet(int index, long value) {
        try {
            return (long) ELEMENTS.getAndSet(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Sets the element at {@code index} to {@code value} if it is {@code expected}, atomically; true if it did. */
    public boolean compareAndSet(int index, long expected, long value) {
        try {
            return ELEMENTS.compareAndSet(memory, DATA, (long) Objects.checkIndex(index, length), expected, value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * The elements now, each read with volatile semantics (the copy as a whole is not atomic).
     *
     * @throws ObjectClosedException if this process closed the array
     */
    public long[] toArray() {
        long[] copy = new long[length];
        for (int i = 0; i < length; i++) {
            copy[i] = get(i);
        }
        return copy;
    }

    /** Closes the array in this process (see the class comment). Idempotent. */
    @Override
    public void close() {
        core.close(this);
    }

    /** True once this process closed the array. */
    public boolean isClosed() {
        return core.isClosed();
    }

    @Override
    public String toString() {
        return core.what() + "[" + length + " longs" + (core.isClosed() ? ", closed]" : "]");
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form());
    }

    private record Form(SharedObject.Form core) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, SharedLongArray.class, SharedLongArray::new);
        }
    }
}
