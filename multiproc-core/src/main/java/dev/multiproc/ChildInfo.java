package dev.multiproc;

import java.time.Instant;
import java.util.List;

/**
 * A live child that this JVM started, as {@link Multiproc#activeChildren()} lists it.
 *
 * @param pid its process id
 * @param kind a command or a child JVM
 * @param name the name given to a child JVM, or the program of a command
 * @param daemon whether this JVM's exit terminates it
 * @param startedAt when it was started
 * @param command its command line
 */
public record ChildInfo(long pid, Kind kind, String name, boolean daemon, Instant startedAt, List<String> command) {
    /** What started a child. */
    public enum Kind {
        /** {@link Command#start()} (or a {@link Pipeline} stage). */
        COMMAND,
        /** {@link JvmProcess} (or a {@code ProcessPool} worker). */
        JVM
    }

    /** @throws NullPointerException if a component is null */
    public ChildInfo {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(startedAt, "startedAt");
        command = List.copyOf(command);
    }
}
