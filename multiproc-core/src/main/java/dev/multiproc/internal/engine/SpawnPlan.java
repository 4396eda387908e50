package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.CStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the spawner needs to start one child, already validated and resolved.
 *
 * @param argv the program and its arguments, as text for people (bookkeeping, messages)
 * @param argvBytes the program and its arguments as the child gets them, each without NUL;
 *     the program is looked up on PATH
 * @param environment {@code NAME=value} entries as the child gets them, or null to pass this
 *     JVM's environment
 * @param directory the working directory, or null for this JVM's
 * @param stdio for fds 0, 1 and 2: the parent fd the child gets there, {@link #INHERIT}, or
 *     {@link #SAME_AS_STDOUT} (for fd 2 only)
 * @param passed further fds the child gets, each at the number it names
 * @param newSession start the child in a new session ({@code setsid})
 * @param newProcessGroup start the child as the leader of a new process group
 * @param kind what the child is, for bookkeeping and for the {@link ExitPolicy}
 * @param name a name for people, or null
 * @param daemon whether this JVM's exit terminates it (see {@link ExitPolicy})
 * @param guarded whether the guardian kills it if this JVM dies (commands that do not survive
 *     their parent)
 */
public record SpawnPlan(List<String> argv, List<byte[]> argvBytes, List<byte[]> environment, String directory,
                        int[] stdio, List<FdMapping> passed, boolean newSession, boolean newProcessGroup,
                        Child.Kind kind, String name, boolean daemon, boolean guarded) {
    /** The child keeps the fd this JVM has at that number. */
    public static final int INHERIT = -1;
    /** The child's stderr is a copy of its stdout. */
    public static final int SAME_AS_STDOUT = -2;

    /** A parent fd given to the child as {@code childFd}. */
    public record FdMapping(int parentFd, int childFd) {}

    public SpawnPlan {
        argv = List.copyOf(argv);
        argvBytes = List.copyOf(argvBytes);
        environment = environment == null ? null : List.copyOf(environment);
        passed = List.copyOf(passed);
        stdio = stdio.clone();
        Objects.requireNonNull(kind, "kind");
        if (argv.size() != argvBytes.size()) {
            throw new IllegalArgumentException("argv has " + argv.size() + " entries as text, "
                    + argvBytes.size() + " as bytes");
        }
    }

    /**
     * A plan whose arguments and environment entries are text, encoded as UTF-8.
     *
     * @throws IllegalArgumentException if an argument or entry has no UTF-8 form (a lone surrogate)
     */
    public SpawnPlan(List<String> argv, List<String> environment, String directory, int[] stdio,
                     List<FdMapping> passed, boolean newSession, boolean newProcessGroup,
                     Child.Kind kind, String name, boolean daemon, boolean guarded) {
        this(argv, encode(argv, "argv"), environment == null ? null : encode(environment, "environment"),
                directory, stdio, passed, newSession, newProcessGroup, kind, name, daemon, guarded);
    }

    private static List<byte[]> encode(List<String> strings, String what) {
        List<byte[]> encoded = new ArrayList<>(strings.size());
        for (int i = 0; i < strings.size(); i++) {
            encoded.add(CStrings.encode(strings.get(i), what + "[" + i + "]"));
        }
        return encoded;
    }

    /** The program as given in {@code argv[0]}. */
    public String program() {
        return argv.getFirst();
    }

    /** True if the child leads its own process group, as it does in a new session too. */
    public boolean groupLeader() {
        return newSession || newProcessGroup;
    }
}
