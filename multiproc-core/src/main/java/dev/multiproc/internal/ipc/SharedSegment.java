package dev.multiproc.internal.ipc;

import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Memfd;
import dev.multiproc.internal.posix.Mman;
import dev.multiproc.internal.posix.Stat;
import dev.multiproc.internal.wire.FdSlots;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Memory shared between processes: a memory file, mapped {@code MAP_SHARED} into this process
 * as a {@link MemorySegment}. A handle; {@link #close} releases it.
 *
 * <h2>What backs it</h2>
 * By default an anonymous memory file ({@code memfd_create}, close-on-exec): nothing has a name,
 * so nothing is left behind however its processes end, and no tracker process is needed; the
 * memory goes when the last fd and the last mapping of it go. A named one ({@code /dev/shm/NAME},
 * {@link #createNamed}) only on request: it lives until someone unlinks it
 * ({@link #unlinkNamed}), never because some process ended.
 *
 * <h2>One mapping per process</h2>
 * A process maps a memory file once, whatever the number of handles on it here: the mappings
 * are keyed by the file's device and inode ({@code fstat}), and a handle that arrives for a file
 * already mapped (a second task carrying the same object to a worker) takes the same mapping
 * and closes the fd it came with. The first pass over a fresh mapping is slow (page faults:
 * 0.25 to 0.6 GB/s measured here), so mapping once pays. Each handle counts: the last one
 * closed unmaps and closes the fd. An object built over a segment can be made the one of its
 * process ({@link #canonical}), so that its state in this process is in one place.
 *
 * <h2>How a segment travels</h2>
 * {@link #form} names the fd by a slot ({@link FdSlots#carry}); the fd goes beside the bytes
 * (inherited at a spawn). {@link Form#resolve} takes the fd that arrived for the slot, checks
 * with {@code fstat} that it is the file the form names (device, inode, size), so that a wrong
 * fd is an error and never a wrong mapping, and maps it. A form serialized by hand, or read
 * where its fds did not arrive, is refused by {@link FdSlots#received}.
 *
 * <h2>Unmapping</h2>
 * Each mapping has a shared arena whose closing unmaps it ({@code munmap}): a thread of this
 * process that touches the segment after that gets an {@link IllegalStateException} from the
 * FFM API, never a fault. Futex calls take a word's address, not the segment, so they never
 * keep the arena from closing; objects that sleep on their words wake their sleepers before
 * they close.
 */
public final class SharedSegment implements AutoCloseable {
    // <fcntl.h>, the same on x86_64 and aarch64
    private static final int O_EXCL = 0x80;

    /** The mappings of this process, by file; guarded by itself. */
    private static final Map<Key, Mapping> MAPPINGS = new HashMap<>();

    private final Mapping mapping;
    private boolean closed;

    private record Key(long dev, long ino) {}

    /** One memory file mapped here. Its fields are guarded by {@link #MAPPINGS}. */
    private static final class Mapping {
        final Key key;
        final int fd;
        final long size;
        final String name;
        final Arena arena;
        final MemorySegment memory;
        int handles;
        Object attached;

        Mapping(Key key, int fd, long size, String name, Arena arena, MemorySegment memory) {
            this.key = key;
            this.fd = fd;
            this.size = size;
            this.name = name;
            this.arena = arena;
            this.memory = memory;
        }
    }

    private SharedSegment(Mapping mapping) {
        this.mapping = mapping;
    }

    /**
     * A new anonymous segment of {@code bytes} bytes, all zero: a memory file named
     * {@code multiproc-NAME} in {@code /proc/PID/fd} (for people; nothing can open it by name).
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws IllegalStateException if the kernel refuses (out of memory or fds), with its errno
     */
    public static SharedSegment create(String name, long bytes) {
        requirePositive(bytes);
        int fd = -1;
        try {
            fd = Memfd.memfd_create("multiproc-" + name, Memfd.MFD_CLOEXEC);
            Memfd.ftruncate(fd, bytes);
            return register(fd, bytes, name);
        } catch (ErrnoException e) {
            Fds.closeQuietly(fd);
            throw new IllegalStateException("cannot make a shared segment of " + bytes + " bytes: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            Fds.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * A new named segment, {@code /dev/shm/NAME}, of {@code bytes} bytes, all zero, readable and
     * writable by this user only. It stays until {@link #unlinkNamed}.
     *
     * @param name the name: 1 to 255 characters, no '/' and no NUL, not "." or ".."
     * @throws IllegalArgumentException for a bad name or size
     * @throws IllegalStateException if the name exists already (EEXIST) or the kernel refuses
     */
    public static SharedSegment createNamed(String name, long bytes) {
        requireName(name);
        requirePositive(bytes);
        int fd = -1;
        try {
            fd = Mman.shm_open("/" + name, Fds.O_RDWR | Fds.O_CREAT | O_EXCL | Fds.O_CLOEXEC, 0600);
            Memfd.ftruncate(fd, bytes);
            return register(fd, bytes, name);
        } catch (ErrnoException e) {
            if (fd >= 0) {
                Fds.closeQuietly(fd);
                unlinkQuietly(name);
            }
            throw new IllegalStateException("cannot create the shared segment /dev/shm/" + name + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            Fds.closeQuietly(fd);
            unlinkQuietly(name);
            throw e;
        }
    }

    /**
     * The named segment {@code /dev/shm/NAME}, mapped whole.
     *
     * @throws IllegalArgumentException for a bad name
     * @throws IllegalStateException if there is no such segment (ENOENT), it is empty, or the kernel refuses
     */
    public static SharedSegment openNamed(String name) {
        requireName(name);
        int fd = -1;
        try {
            fd = Mman.shm_open("/" + name, Fds.O_RDWR | Fds.O_CLOEXEC, 0);
            long size = Stat.fstat(fd).size();
            if (size <= 0) {
                throw new IllegalStateException("the shared segment /dev/shm/" + name + " is empty");
            }
            return register(fd, size, name);
        } catch (ErrnoException e) {
            Fds.closeQuietly(fd);
            throw new IllegalStateException("cannot open the shared segment /dev/shm/" + name + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            Fds.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Removes the name {@code /dev/shm/NAME}; processes that have it mapped keep it until they close it.
     *
     * @throws IllegalStateException if there is no such name
     */
    public static void unlinkNamed(String name) {
        requireName(name);
        try {
            Mman.shm_unlink("/" + name);
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot unlink /dev/shm/" + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The mapped memory, {@link #size} bytes.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public MemorySegment memory() {
        synchronized (MAPPINGS) {
            if (closed) {
                throw new IllegalStateException("the shared segment " + mapping.name + " is closed");
            }
        }
        return mapping.memory;
    }

    /** The mapped memory, without the check of {@link #memory}: for objects that check their own state. */
    public MemorySegment memoryUnchecked() {
        return mapping.memory;
    }

    /** Its size in bytes. */
    public long size() {
        return mapping.size;
    }

    /** The memory file's inode: with the device, which file it is. */
    public long inode() {
        return mapping.key.ino();
    }

    /** The fd this process holds on the memory file (close-on-exec). */
    public int fd() {
        return mapping.fd;
    }

    /** True once this handle is closed. */
    public boolean isClosed() {
        synchronized (MAPPINGS) {
            return closed;
        }
    }

    /**
     * Another handle on the same mapping, closed on its own.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public SharedSegment share() {
        synchronized (MAPPINGS) {
            if (closed) {
                throw new IllegalStateException("the shared segment " + mapping.name + " is closed");
            }
            mapping.handles++;
            return new SharedSegment(mapping);
        }
    }

    /**
     * The object of this process built over this segment, of {@code type}: the one made earlier
     * if it is still attached (then this handle is closed, as that object holds its own), else
     * {@code make}'s, which takes this handle and is attached until {@link #detach}. {@code make}
     * runs under the lock of this process's mappings: it must not wait for another thread.
     */
    public <T> T canonical(Class<T> type, Function<SharedSegment, T> make) {
        synchronized (MAPPINGS) {
            if (type.isInstance(mapping.attached) && !closed) {
                close();
                return type.cast(mapping.attached);
            }
            T made = make.apply(this);
            mapping.attached = made;
            return made;
        }
    }

    /** Makes {@code object} no longer the one {@link #canonical} returns here (it is closing). */
    public void detach(Object object) {
        synchronized (MAPPINGS) {
            if (mapping.attached == object) {
                mapping.attached = null;
            }
        }
    }

    /** Closes this handle; the last handle of the mapping unmaps it and closes its fd. Idempotent. */
    @Override
    public void close() {
        Mapping unmapped;
        synchronized (MAPPINGS) {
            if (closed) {
                return;
            }
            closed = true;
            if (--mapping.handles > 0) {
                return;
            }
            MAPPINGS.remove(mapping.key, mapping);
            unmapped = mapping;
        }
        try {
            unmapped.arena.close();
        } finally {
            Fds.closeQuietly(unmapped.fd);
        }
    }

    /** How many memory files this process has mapped now (for tests: nothing leaks). */
    public static int mappedCount() {
        synchronized (MAPPINGS) {
            return MAPPINGS.size();
        }
    }

    /**
     * The form this segment travels as, for a {@code writeReplace}: its fd is carried by a slot
     * (see {@link FdSlots}) and stays open here.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public Form form() {
        synchronized (MAPPINGS) {
            if (closed) {
                throw new IllegalStateException("the shared segment " + mapping.name + " is closed");
            }
        }
        return new Form(FdSlots.carry(mapping.fd), mapping.size, mapping.key.dev(), mapping.key.ino(), mapping.name);
    }

    /**
     * A segment as it travels: the slot of its fd and what the fd must be.
     *
     * @param slot the fd's slot (see {@link FdSlots})
     * @param size the size in bytes
     * @param dev the file's device
     * @param ino the file's inode
     * @param name its name, for messages
     */
    public record Form(int slot, long size, long dev, long ino, String name) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        /**
         * The segment this form names, mapped here (or the mapping this process already has, the
         * fd that came being closed then).
         *
         * @param what the object, for messages
         * @throws InvalidObjectException if the fd did not arrive, or is not the file named
         */
        public SharedSegment resolve(String what) throws InvalidObjectException {
            int fd = FdSlots.received(slot, what);
            Stat stat;
            try {
                stat = Stat.fstat(fd);
            } catch (ErrnoException e) {
                throw new InvalidObjectException(what + " needs fd " + fd + " for slot " + slot
                        + ", which is not open in this process: " + e.getMessage());
            }
            if (stat.dev() != dev || stat.ino() != ino || stat.size() < size) {
                throw new InvalidObjectException(what + ": fd " + fd + " is not its shared segment (inode " + stat.ino()
                        + " of " + stat.size() + " bytes, where inode " + ino + " of " + size + " bytes was sent)");
            }
            Key key = new Key(dev, ino);
            synchronized (MAPPINGS) {
                Mapping known = MAPPINGS.get(key);
                if (known != null) {
                    if (fd != known.fd) {
                        Fds.closeQuietly(fd);
                    }
                    known.handles++;
                    return new SharedSegment(known);
                }
            }
            try {
                Fds.fcntl(fd, Fds.F_SETFD, Fds.FD_CLOEXEC); // inherited without it
                return register(fd, size, name);
            } catch (ErrnoException e) {
                throw new InvalidObjectException(what + ": cannot map fd " + fd + ": " + e.getMessage());
            }
        }
    }

    private static SharedSegment register(int fd, long size, String name) throws ErrnoException {
        Stat stat = Stat.fstat(fd);
        Key key = new Key(stat.dev(), stat.ino());
        Mapping mapping = map(key, fd, size, name);
        synchronized (MAPPINGS) {
            Mapping raced = MAPPINGS.get(key);
            if (raced != null) {
                // another thread mapped the same file meanwhile: use its mapping
                mapping.arena.close();
                if (fd != raced.fd) {
                    Fds.closeQuietly(fd);
                }
                raced.handles++;
                return new SharedSegment(raced);
            }
            mapping.handles = 1;
            MAPPINGS.put(key, mapping);
            return new SharedSegment(mapping);
        }
    }

    @SuppressWarnings("restricted")
    private static Mapping map(Key key, int fd, long size, String name) throws ErrnoException {
        MemorySegment address = Mman.mmap(size, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        Arena arena = Arena.ofShared();
        long at = address.address();
        MemorySegment memory = address.reinterpret(size, arena, unused -> {
            try {
                Mman.munmap(at, size);
            } catch (ErrnoException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        return new Mapping(key, fd, size, name, arena, memory);
    }

    private static void requirePositive(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a shared segment's size must be positive: " + bytes);
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("a shared segment's name is 1 to 255 characters, with no '/' or NUL"
                    + " and not \".\" or \"..\": " + (name == null ? "null" : "\"" + name + "\""));
        }
    }

    private static void unlinkQuietly(String name) {
        try {
            Mman.shm_unlink("/" + name);
        } catch (ErrnoException ignored) {
            // clean-up after another failure: the first error is the one to report
        }
    }

    @Override
    public String toString() {
        return "SharedSegment[" + mapping.name + ", " + mapping.size + " bytes, inode " + mapping.key.ino() + "]";
    }
}
