package dev.multiproc.testing;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.wire.FdSlots;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The write end of a pipe that travels with a task, as the library's own handles do: by a slot
 * in the bytes and the fd beside them; this JVM closes its copy once the child has it.
 */
public final class CarriedPipeEnd implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient int fd;

    public CarriedPipeEnd(int fd) {
        this.fd = fd;
    }

    /** The fd in this process. */
    public int fd() {
        return fd;
    }

    /** Writes {@code text} to the pipe. */
    public void write(String text) {
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/" + fd)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(FdSlots.carry(fd, () -> Fds.closeQuietly(fd)));
    }

    private record Form(int slot) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new CarriedPipeEnd(FdSlots.received(slot, "a test pipe's write end"));
        }
    }
}
