package dev.multiproc;

import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.ipc.SharedObject;
import dev.multiproc.internal.queue.QueueCore;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded queue between processes, in shared memory: Python's {@code multiprocessing.Queue},
 * {@code SimpleQueue} and {@code JoinableQueue} in one. Any number of processes (and threads)
 * put and take; capture it in a {@link Task} and the child uses the same queue.
 *
 * <pre>{@code
 * ProcessQueue<String> jobs = ProcessQueue.create(100);
 * JvmProcess<Void> worker = JvmProcess.start(() -> {
 *     while (true) {
 *         String job = jobs.take();
 *         System.out.println("done " + job);
 *         jobs.taskDone();
 *     }
 * });
 * for (int i = 0; i < 10; i++) {
 *     jobs.put("job " + i);
 * }
 * jobs.join();                  // every job marked done
 * }</pre>
 *
 * <p><b>No hidden thread, no hidden buffer.</b> {@link #put} serializes the message on the caller's
 * thread and writes it into the queue's memory before it returns: an object that cannot be
 * serialized makes {@code put} throw (naming the way to the field that is not serializable), and a
 * process that ends right after {@code put} has its message in the queue. Nothing is left to flush
 * at exit, so nothing hangs there. Boxed primitives, {@code String} and {@code byte[]} travel in a
 * compact form of their own, anything else by Java serialization, filtered where it is read.
 *
 * <p><b>Bounds.</b> A queue holds at most {@link #capacity()} messages, and at most about twice its
 * {@linkplain #largestMessage() largest message} in bytes; {@code put} waits for room when either is
 * reached. A message larger than the largest (1 MiB unless the queue was made with
 * {@link #create(int, int)}) is refused with that limit named: it is not split into parts.
 *
 * <p><b>Deaths.</b> A producer killed in the middle of a {@code put} loses nothing that was put
 * before: its half-written message is discarded and counted ({@link #discarded()}) as soon as its
 * death is seen, and other producers and consumers go on. A consumer killed in the middle of a
 * {@code take} does not lose the message: another consumer gets it. {@link #join()} throws
 * {@link ConsumerDiedException} instead of waiting for ever when a consumer ended holding messages
 * it never marked done. A wait that times out returns at its deadline, whoever died.
 *
 * <p><b>Waiting.</b> A consumer that waits sleeps in the kernel (a virtual thread without holding a
 * carrier); a producer makes a system call to wake one only when one sleeps. {@code null} is refused
 * ({@link #poll} could not tell it from no message).
 *
 * <p><b>Closing</b> is this process's own: {@link #close()} releases the queue's memory here, and
 * any later use in this process throws {@link ObjectClosedException}; other processes go on with
 * the queue until they close it too (or end). What this process held (a message being put or
 * taken) is given back as at its death. The memory is gone when the last process that had it
 * closes it or ends: nothing is named in the file system, so nothing is left behind.
 *
 * @param <T> the type of the messages
 */
public final class ProcessQueue<T> implements Waitable, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient QueueCore core;

    private ProcessQueue(QueueCore core) {
        this.core = core;
    }

    /**
     * A new queue for at most {@code capacity} messages of up to 1 MiB each (as encoded).
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive or is more than
     *     16,777,216; the message names it
     * @throws MultiprocException if the kernel refuses the memory (out of memory or file descriptors)
     */
    public static <T> ProcessQueue<T> create(int capacity) {
        return new ProcessQueue<>(QueueCore.create(capacity, QueueCore.DEFAULT_LARGEST));
    }

    /**
     * A new queue for at most {@code capacity} messages of up to {@code largestMessage} bytes each
     * (as encoded: about the length of a {@code String}'s UTF-8 or of a {@code byte[]}, the
     * serialized form of anything else). Its memory is about twice that, rounded up to a power of two.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive or more than 16,777,216,
     *     if {@code largestMessage} is not positive or more than 512 MiB, or if the queue would need
     *     more memory than this machine has; the message names the value and the limit
     * @throws MultiprocException if the kernel refuses the memory (out of memory or file descriptors)
     */
    public static <T> ProcessQueue<T> create(int capacity, int largestMessage) {
        return new ProcessQueue<>(QueueCore.create(capacity, largestMessage));
    }

    /**
     * Puts {@code message}, waiting as long as it takes for room.
     *
     * @throws NullPointerException if {@code message} is null
     * @throws IllegalArgumentException if it cannot be serialized (the message names the field that
     *     is not serializable and the way to it) or is larger than {@link #largestMessage()}; nothing
     *     is put then
     * @throws ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting for room (nothing is put)
     */
    public void put(T message) throws InterruptedException {
        core.put(Objects.requireNonNull(message, "a ProcessQueue holds no null message"), Waker.NO_DEADLINE);
    }

    /**
     * Puts {@code message} if there is room for it within {@code timeout} (a zero or negative
     * timeout looks once): false if there was none, and nothing is put then.
     *
     * @throws NullPointerException if {@code message} or {@code timeout} is null
     * @throws IllegalArgumentException as {@link #put(Object)}
     * @throws ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting for room
     */
    public boolean put(T message, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(message, "a ProcessQueue holds no null message");
        return core.put(message, Timeouts.deadline(Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * Takes the next message, waiting as long as it takes for one.
     *
     * @throws MultiprocException if the message cannot be read in this process (its class is
     *     missing, the deserialization filter refuses it): it is taken, and dropped
     * @throws ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting (nothing is taken)
     */
    @SuppressWarnings("unchecked")
    public T take() throws InterruptedException {
        return (T) core.take(Waker.NO_DEADLINE);
    }

    /**
     * Takes the next message if one comes within {@code timeout} (a zero or negative timeout looks
     * once); empty if none did. Returns at the deadline whatever happens to the queue's producers.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws MultiprocException as {@link #take()}
     * @throws ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    public Optional<T> poll(Duration timeout) throws InterruptedException {
        Object message = core.take(Timeouts.deadline(Objects.requireNonNull(timeout, "timeout")));
        return message == QueueCore.NOTHING ? Optional.empty() : Optional.of((T) message);
    }

    /**
     * Marks one message taken from the queue as done (Python's {@code task_done()}): when every
     * message put has been marked done, {@link #join()} returns. Call it from the process that
     * took the message.
     *
     * @throws IllegalStateException if called more times than messages were put
     * @throws ObjectClosedException if this process closed the queue
     */
    public void taskDone() {
        core.taskDone();
    }

    /**
     * Waits until every message put has been taken and marked done (Python's {@code join()}).
     *
     * @throws ConsumerDiedException if a process that took messages ended, or closed the queue,
     *     before it marked them done: they can never be, so this would wait for ever
     * @throws ObjectClosedException if this process closed the queue
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        core.join();
    }

    /**
     * Closes the queue in this process: its memory is released here, threads of this process
     * waiting on it wake with {@link ObjectClosedException}, and so does any later call here. Other
     * processes go on. Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }

    /** True once this process closed the queue. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** The most messages the queue holds at once. */
    public int capacity() {
        return core.capacity();
    }

    /** The largest message it takes, in bytes as encoded. */
    public int largestMessage() {
        return core.largestMessage();
    }

    /**
     * How many messages are in the queue now (a snapshot; others may change it at once).
     *
     * @throws ObjectClosedException if this process closed the queue
     */
    public int size() {
        return core.size();
    }

    /**
     * How many messages were discarded because their producer ended while it wrote them.
     *
     * @throws ObjectClosedException if this process closed the queue
     */
    public int discarded() {
        return core.discarded();
    }

    /** For tests and diagnostics: the lengths of the messages being put now. */
    int[] beingPut() {
        return core.beingPut();
    }

    /** For tests and diagnostics: how many messages are being taken now. */
    int beingTaken() {
        return core.beingTaken();
    }

    Readiness readiness() {
        return core.readiness();
    }

    @Override
    public String toString() {
        if (core.isClosed()) {
            return core.what() + "[closed]";
        }
        try {
            return core.what() + "[" + core.size() + " of " + core.capacity() + ", " + core.unfinished() + " unfinished"
                    + (core.discarded() == 0 ? "" : ", " + core.discarded() + " discarded") + "]";
        } catch (RuntimeException e) {
            return core.what() + "[closed]";
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(core.form());
    }

    /** A queue as it travels: its shared object's form (its memory file's fd by a slot). */
    private record Form(SharedObject.Form core) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new ProcessQueue<>(QueueCore.arrived(core));
        }
    }
}
