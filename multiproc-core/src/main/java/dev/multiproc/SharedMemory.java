package dev.multiproc;

import dev.multiproc.internal.ipc.SharedSegment;
import dev.multiproc.internal.ipc.Sizes;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A block of memory shared between processes, as a {@link MemorySegment} (Python's
 * {@code multiprocessing.shared_memory.SharedMemory}). Capture it in a {@link Task} and the child
 * maps the same memory; a process maps one block once, however many handles on it arrive.
 *
 * <p><b>Nothing named by default.</b> {@link #allocate(long)} makes an anonymous memory file:
 * it has no name to leak, needs no tracker process, and is freed when the last process that holds
 * it closes it or ends, however it ends. A named block ({@code /dev/shm/NAME}) is made only on
 * request ({@link #create(String, long)}, {@link #open(String)}); it stays until someone calls
 * {@link #unlink(String)}, and no process's exit ever unlinks it (Python's resource tracker
 * unlinks blocks other processes still use: gh-82300).
 *
 * <p>Closing is this process's own: the segment is unmapped here (a thread that touches it
 * afterwards gets an {@link IllegalStateException} from the FFM API, never a crash), while other
 * processes keep theirs.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient String name;

    private SharedMemory(SharedSegment segment, String name) {
        this.segment = segment;
        this.name = name;
    }

    /**
     * A new anonymous block of {@code bytes} bytes, all zero.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive, or more than this
     *     machine's memory (the message names the size and the limit)
     * @throws IllegalStateException if the kernel refuses (out of memory or fds), with its errno
     */
    public static SharedMemory allocate(long bytes) {
        Sizes.checkBytes("SharedMemory.allocate(" + bytes + ")", bytes);
        return new SharedMemory(SharedSegment.create("shared-memory", bytes), null);
    }

    /**
     * A new named block, {@code /dev/shm/NAME}, of {@code bytes} bytes, all zero, for this user
     * only; it stays until {@link #unlink(String)}.
     *
     * @param name 1 to 255 characters, no '/' and no NUL
     * @throws IllegalArgumentException for a bad name or size
     * @throws IllegalStateException if the name is taken (EEXIST) or the kernel refuses
     */
    public static SharedMemory create(String name, long bytes) {
        Sizes.checkBytes("SharedMemory.create(\"" + name + "\", " + bytes + ")", bytes);
        return new SharedMemory(SharedSegment.createNamed(name, bytes), name);
    }

    /**
     * The named block {@code /dev/shm/NAME}, made earlier by {@link #create(String, long)} (in
     * any process), mapped whole.
     *
     * @throws IllegalArgumentException for a bad name
     * @throws IllegalStateException if there is no such block (ENOENT)
     */
    public static SharedMemory open(String name) {
        return new SharedMemory(SharedSegment.openNamed(name), name);
    }

    /**
     * Removes the name {@code /dev/shm/NAME}; processes that hold the block keep it until they
     * close it.
     *
     * @throws IllegalStateException if there is no such name
     */
    public static void unlink(String name) {
        SharedSegment.unlinkNamed(name);
    }

    /**
     * The memory, {@link #byteSize()} bytes, valid until this process closes the block.
     *
     * @throws ObjectClosedException if this handle is closed
     */
    public MemorySegment segment() {
        if (segment.isClosed()) {
            throw new ObjectClosedException(describe());
        }
        return segment.memoryUnchecked();
    }

    /** The size in bytes. */
    public long byteSize() {
        return segment.size();
    }

    /** The name under {@code /dev/shm}, for a named block. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * Closes this handle: the last handle of this process unmaps the block here. Other processes
     * keep it; a named block keeps its name. Idempotent.
     */
    @Override
    public void close() {
        segment.close();
    }

    /** True once this handle is closed. */
    public boolean isClosed() {
        return segment.isClosed();
    }

    private String describe() {
        return "SharedMemory@" + segment.inode() + (name == null ? "" : " (/dev/shm/" + name + ")");
    }

    @Override
    public String toString() {
        return describe() + "[" + segment.size() + " bytes" + (segment.isClosed() ? ", closed]" : "]");
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        if (segment.isClosed()) {
            throw new InvalidObjectException(describe() + " is closed: it cannot be sent");
        }
        return new Form(segment.form(), name);
    }

    private record Form(SharedSegment.Form segment, String name) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new SharedMemory(segment.resolve("SharedMemory" + (name == null ? "" : " /dev/shm/" + name)), name);
        }
    }
}
