package dev.multiproc.internal.launch;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.SpawnPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link Launcher} is asked to start: the program and its arguments (as bytes, and as
 * text for people), the {@linkplain ChildSettings settings} every kind of child shares, where
 * it sits (its grouping), what it is (its kind and name), and what its kind adds: fds of this
 * JVM it gets in place of a redirect (a pipeline's inner pipes), fds it gets at fixed numbers
 * (a pidfd), and pipes the launcher makes for it (a child JVM's control channel). Immutable;
 * each {@code with…} method returns a new request.
 *
 * <p>Its lifetime follows from the rest: it is a daemon if its settings say so, and it is
 * guarded (the guardian kills it if this JVM dies) if it is a command that does not survive
 * its parent. A child JVM needs no guardian: its lifeline halts it.
 */
public final class LaunchRequest {
    /**
     * A pipe the launcher makes for the child: the child's end at {@code childFd}, which it
     * reads if {@code toChild}, else writes; this JVM keeps the other end (non-blocking).
     */
    public record Channel(int childFd, boolean toChild) {}

    private final Child.Kind kind;
    private final String name;
    private final List<String> argv;
    private final List<byte[]> argvBytes;
    private final ChildSettings settings;
    private final SpawnPlan.Grouping grouping;
    private final int stdinFd;
    private final int stdoutFd;
    private final List<SpawnPlan.FdMapping> fds;
    private final List<Channel> channels;

    private LaunchRequest(Child.Kind kind, String name, List<String> argv, List<byte[]> argvBytes,
                          ChildSettings settings, SpawnPlan.Grouping grouping, int stdinFd, int stdoutFd,
                          List<SpawnPlan.FdMapping> fds, List<Channel> channels) {
        this.kind = kind;
        this.name = name;
        this.argv = argv;
        this.argvBytes = argvBytes;
        this.settings = settings;
        this.grouping = grouping;
        this.stdinFd = stdinFd;
        this.stdoutFd = stdoutFd;
        this.fds = fds;
        this.channels = channels;
    }

    /**
     * A request to run {@code argvBytes} ({@code argv} as text, for people), already checked,
     * as a child of {@code kind} named {@code name} (or null) with {@code settings}.
     */
    public static LaunchRequest of(Child.Kind kind, String name, List<String> argv, List<byte[]> argvBytes,
                                   ChildSettings settings) {
        if (argv.size() != argvBytes.size() || argv.isEmpty()) {
            throw new IllegalArgumentException("argv has " + argv.size() + " entries as text, "
                    + argvBytes.size() + " as bytes");
        }
        return new LaunchRequest(Objects.requireNonNull(kind, "kind"), name, List.copyOf(argv), List.copyOf(argvBytes),
                Objects.requireNonNull(settings, "settings"), SpawnPlan.Grouping.NONE, -1, -1, List.of(), List.of());
    }

    /**
     * A request to run {@code argv}, text the library made itself (a JVM's command line),
     * encoded as UTF-8.
     *
     * @throws IllegalArgumentException if an argument holds a NUL or has no UTF-8 form
     */
    public static LaunchRequest ofText(Child.Kind kind, String name, List<String> argv, ChildSettings settings) {
        return of(kind, name, argv, Checks.argv(argv), settings);
    }

    /** This request with other settings. */
    public LaunchRequest withSettings(ChildSettings settings) {
        return new LaunchRequest(kind, name, argv, argvBytes, Objects.requireNonNull(settings, "settings"), grouping,
                stdinFd, stdoutFd, fds, channels);
    }

    /** This request with the child in a new group or session. */
    public LaunchRequest withGrouping(SpawnPlan.Grouping grouping) {
        return new LaunchRequest(kind, name, argv, argvBytes, settings, Objects.requireNonNull(grouping, "grouping"),
                stdinFd, stdoutFd, fds, channels);
    }

    /**
     * This request with the child's stdin and stdout taken from this JVM's {@code stdinFd} and
     * {@code stdoutFd} (-1: as the settings say); those fds stay the caller's to close.
     */
    public LaunchRequest withStdioFds(int stdinFd, int stdoutFd) {
        return new LaunchRequest(kind, name, argv, argvBytes, settings, grouping, stdinFd, stdoutFd, fds, channels);
    }

    /** This request with this JVM's {@code parentFd} given to the child as {@code childFd}; it stays the caller's. */
    public LaunchRequest withFd(int parentFd, int childFd) {
        List<SpawnPlan.FdMapping> more = new ArrayList<>(fds);
        more.add(new SpawnPlan.FdMapping(parentFd, childFd));
        return new LaunchRequest(kind, name, argv, argvBytes, settings, grouping, stdinFd, stdoutFd, List.copyOf(more),
                channels);
    }

    /** This request with a pipe made for the child at {@code childFd}; see {@link Channel}. */
    public LaunchRequest withChannel(int childFd, boolean toChild) {
        List<Channel> more = new ArrayList<>(channels);
        more.add(new Channel(childFd, toChild));
        return new LaunchRequest(kind, name, argv, argvBytes, settings, grouping, stdinFd, stdoutFd, fds,
                List.copyOf(more));
    }

    /** What the child is. */
    public Child.Kind kind() {
        return kind;
    }

    /** Its name for people, or null (a command's). */
    public String name() {
        return name;
    }

    /** The program and its arguments as text, for people. */
    public List<String> argv() {
        return argv;
    }

    /** The program and its arguments as the child gets them. */
    public List<byte[]> argvBytes() {
        return argvBytes;
    }

    /** The program, as given. */
    public String program() {
        return argv.getFirst();
    }

    /** The settings. */
    public ChildSettings settings() {
        return settings;
    }

    /** Where the child sits. */
    public SpawnPlan.Grouping grouping() {
        return grouping;
    }

    /** This JVM's fd the child gets as its stdin, or -1. */
    public int stdinFd() {
        return stdinFd;
    }

    /** This JVM's fd the child gets as its stdout, or -1. */
    public int stdoutFd() {
        return stdoutFd;
    }

    /** Further fds of this JVM the child gets, besides the settings' passed fds. */
    public List<SpawnPlan.FdMapping> fds() {
        return fds;
    }

    /** The pipes the launcher makes for the child. */
    public List<Channel> channels() {
        return channels;
    }

    /** True if the guardian must kill the child if this JVM dies: a command that does not survive it. */
    public boolean guarded() {
        return kind == Child.Kind.COMMAND && !settings.survivesParent();
    }

    @Override
    public String toString() {
        return kind + (name == null ? "" : " " + name) + ": " + String.join(" ", argv);
    }
}
