package dev.multiproc.internal.engine;

import java.util.List;
import java.util.Objects;

/**
 * Everything the spawner needs to start one child, already validated and resolved. Made by
 * the launcher ({@code launch.Launcher}), the only caller of {@link Engine#spawn}, through
 * {@link #builder}: each setting is named where it is given.
 */
public final class SpawnPlan {
    /** The child keeps the fd this JVM has at that number. */
    public static final int INHERIT = -1;
    /** The child's stderr is a copy of its stdout. */
    public static final int SAME_AS_STDOUT = -2;

    /** A parent fd given to the child as {@code childFd}. */
    public record FdMapping(int parentFd, int childFd) {}

    /** Where the child sits: this JVM's process group, a new group it leads, or a new session it leads. */
    public enum Grouping {
        /** In this JVM's process group and session. */
        NONE,
        /** The leader of a new process group ({@code setpgid}), in this JVM's session. */
        NEW_GROUP,
        /** The leader of a new session ({@code setsid}), and so of a new group too. */
        NEW_SESSION;

        /** This grouping with {@code other} asked for too: a new session includes a new group. */
        public Grouping and(Grouping other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    private final List<String> argv;
    private final List<byte[]> argvBytes;
    private final List<byte[]> environment;
    private final String directory;
    private final int[] stdio;
    private final List<FdMapping> passed;
    private final Grouping grouping;
    private final Child.Kind kind;
    private final String name;
    private final boolean daemon;
    private final boolean guarded;

    private SpawnPlan(Builder b) {
        this.argv = b.argv;
        this.argvBytes = b.argvBytes;
        this.environment = b.environment;
        this.directory = b.directory;
        this.stdio = b.stdio.clone();
        this.passed = List.copyOf(b.passed);
        this.grouping = b.grouping;
        this.kind = b.kind;
        this.name = b.name;
        this.daemon = b.daemon;
        this.guarded = b.guarded;
    }

    /**
     * A plan for a child of {@code kind} running {@code argvBytes}; {@code argv} is the same as
     * text, for people (bookkeeping, messages). Unless set, it inherits this JVM's environment,
     * directory and fds 0 to 2, gets no other fd, sits in this JVM's group, has no name, is
     * not a daemon and is not guarded.
     */
    public static Builder builder(Child.Kind kind, List<String> argv, List<byte[]> argvBytes) {
        return new Builder(kind, argv, argvBytes);
    }

    /** Collects a plan's settings; see {@link SpawnPlan#builder}. */
    public static final class Builder {
        private final Child.Kind kind;
        private final List<String> argv;
        private final List<byte[]> argvBytes;
        private List<byte[]> environment;
        private String directory;
        private int[] stdio = {INHERIT, INHERIT, INHERIT};
        private List<FdMapping> passed = List.of();
        private Grouping grouping = Grouping.NONE;
        private String name;
        private boolean daemon;
        private boolean guarded;

        private Builder(Child.Kind kind, List<String> argv, List<byte[]> argvBytes) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.argv = List.copyOf(argv);
            this.argvBytes = List.copyOf(argvBytes);
            if (argv.size() != argvBytes.size()) {
                throw new IllegalArgumentException("argv has " + argv.size() + " entries as text, "
                        + argvBytes.size() + " as bytes");
            }
        }

        /** {@code NAME=value} entries as the child gets them, or null for this JVM's environment. */
        public Builder environment(List<byte[]> environment) {
            this.environment = environment == null ? null : List.copyOf(environment);
            return this;
        }

        /** The working directory, or null for this JVM's. */
        public Builder directory(String directory) {
            this.directory = directory;
            return this;
        }

        /**
         * For fds 0, 1 and 2: the parent fd the child gets there, {@link #INHERIT}, or
         * {@link #SAME_AS_STDOUT} (for fd 2 only).
         */
        public Builder stdio(int[] stdio) {
            this.stdio = stdio.clone();
            return this;
        }

        /** Further fds the child gets, each at the number it names. */
        public Builder passed(List<FdMapping> passed) {
            this.passed = List.copyOf(passed);
            return this;
        }

        /** Where the child sits. */
        public Builder grouping(Grouping grouping) {
            this.grouping = Objects.requireNonNull(grouping, "grouping");
            return this;
        }

        /** A name for people, or null. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Whether this JVM's exit terminates it (see {@link ExitPolicy}). */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /** Whether the guardian kills it if this JVM dies (commands that do not survive their parent). */
        public Builder guarded(boolean guarded) {
            this.guarded = guarded;
            return this;
        }

        /** The plan. */
        public SpawnPlan build() {
            return new SpawnPlan(this);
        }
    }

    /** The program and its arguments, as text for people. */
    public List<String> argv() {
        return argv;
    }

    /** The program and its arguments as the child gets them, each without NUL; the program is looked up on PATH. */
    public List<byte[]> argvBytes() {
        return argvBytes;
    }

    /** {@code NAME=value} entries as the child gets them, or null to pass this JVM's environment. */
    public List<byte[]> environment() {
        return environment;
    }

    /** The working directory, or null for this JVM's. */
    public String directory() {
        return directory;
    }

    /** For fds 0, 1 and 2: the parent fd the child gets, {@link #INHERIT} or {@link #SAME_AS_STDOUT}. */
    public int[] stdio() {
        return stdio.clone();
    }

    /** Further fds the child gets, each at the number it names. */
    public List<FdMapping> passed() {
        return passed;
    }

    /** True if the child starts in a new session ({@code setsid}). */
    public boolean newSession() {
        return grouping == Grouping.NEW_SESSION;
    }

    /** True if the child starts as the leader of a new process group in this JVM's session. */
    public boolean newProcessGroup() {
        return grouping == Grouping.NEW_GROUP;
    }

    /** What the child is, for bookkeeping and for the {@link ExitPolicy}. */
    public Child.Kind kind() {
        return kind;
    }

    /** A name for people, or null. */
    public String name() {
        return name;
    }

    /** Whether this JVM's exit terminates it (see {@link ExitPolicy}). */
    public boolean daemon() {
        return daemon;
    }

    /** Whether the guardian kills it if this JVM dies. */
    public boolean guarded() {
        return guarded;
    }

    /** The program as given in {@code argv[0]}. */
    public String program() {
        return argv.getFirst();
    }

    /** True if the child leads its own process group, as it does in a new session too. */
    public boolean groupLeader() {
        return grouping != Grouping.NONE;
    }
}
