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
 * An array of {@code double}s in memory shared between processes, with atomic operations (Python's
 * {@code multiprocessing.Array('d', n)}; its {@code Value} is an array of one). Capture it in a
 * {@link Task} and the child reads and writes the same memory; a sum needs no lock:
 * {@code sums.getAndAdd(i, x)} is atomic, from any process.
 *
 * <p>{@link #get} and {@link #set} are volatile accesses; {@link #getAcquire} and
 * {@link #setRelease} are the cheaper ordered ones. Closing is this process's own: other processes keep the memory
 * until they close it too, and it is freed when the last one does (or ends).
 */
public final class SharedDoubleArray implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long DATA = SharedObject.STATE;
    private static final VarHandle ELEMENTS = ValueLayout.JAVA_DOUBLE.arrayElementVarHandle();

    private final transient SharedObject core;
    private final transient MemorySegment memory;
    private final transient int length;

    private SharedDoubleArray(SharedObject core) {
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
    public static SharedDoubleArray create(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("SharedDoubleArray.create(" + length + "): the length must be positive");
        }
        Sizes.checkBytes("SharedDoubleArray.create(" + length + ")", DATA + 8L * length);
        SharedObject core = SharedObject.create(SharedObject.Kind.DOUBLE_ARRAY, length, DATA + 8L * length, false,
                "SharedDoubleArray");
        SharedDoubleArray array = new SharedDoubleArray(core);
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
    public double get(int index) {
        try {
            return (double) ELEMENTS.getVolatile(memory, DATA, (long) Objects.checkIndex(index, length));
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Sets the element at {@code index}, with volatile semantics. */
    public void set(int index, double value) {
        try {
            ELEMENTS.setVolatile(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** The element at {@code index}, with acquire semantics. */
    public double getAcquire(int index) {
        try {
            return (double) ELEMENTS.getAcquire(memory, DATA, (long) Objects.checkIndex(index, length));
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Sets the element at {@code index}, with release semantics. */
    public void setRelease(int index, double value) {
        try {
            ELEMENTS.setRelease(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Adds {@code delta} to the element at {@code index} atomically (a compare-and-set loop: the
     * hardware has no atomic add of doubles); returns the value before.
     */
    public double getAndAdd(int index, double delta) {
        try {
            long at = Objects.checkIndex(index, length);
            while (true) {
                double before = (double) ELEMENTS.getVolatile(memory, DATA, at);
                if (ELEMENTS.weakCompareAndSet(memory, DATA, at, before, before + delta)) {
                    return before;
                }
            }
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /** Adds {@code delta} to the element at {@code index} atomically; returns the value after. */
    public double addAndGet(int index, double delta) {
        return getAndAdd(index, delta) + delta;
    }

    /** Sets the element at {@code index} to {@code value} atomically; returns the value before. */
    public double getAndSet(int index, double value) {
        try {
            return (double) ELEMENTS.getAndSet(memory, DATA, (long) Objects.checkIndex(index, length), value);
        } catch (IllegalStateException e) {
            throw core.failure(e);
        }
    }

    /**
     * Sets the element at {@code index} to {@code value} if it is {@code expected}, atomically;
     * true if it did. Doubles compare by their bits, as {@link Double#equals} does ({@code -0.0}
     * is not {@code 0.0}, and a NaN equals the same NaN).
     */
    public boolean compareAndSet(int index, double expected, double value) {
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
    public double[] toArray() {
        double[] copy = new double[length];
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
        return core.what() + "[" + length + " doubles" + (core.isClosed() ? ", closed]" : "]");
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form());
    }

    private record Form(SharedObject.Form core) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return SharedObject.resolve(core, SharedDoubleArray.class, SharedDoubleArray::new);
        }
    }
}
