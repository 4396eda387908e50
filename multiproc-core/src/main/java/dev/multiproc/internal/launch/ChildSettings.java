package dev.multiproc.internal.launch;

import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Environments;
import dev.multiproc.internal.posix.CStrings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The settings every kind of child shares: its working directory, its environment and the
 * changes to it, where its stdin, stdout and stderr go, whether this JVM's exit ends it
 * (daemon), whether it outlives this JVM's death, and the fds passed to it. Immutable: each
 * {@code with…} method returns a new value, checked by {@link Checks}; {@code Command},
 * {@code JvmProcess.Builder} and {@code ProcessPool.Builder} hold one and delegate their
 * setters to it, so that a setter means the same on all three.
 *
 * <h2>Calling a setter twice</h2>
 * A setting that is one value (the directory, a redirect, daemon, survivesParent) takes the
 * last value given. A setting made of named parts accumulates by name: {@link #withEnv} and
 * {@link #withEnvRemoved} change one variable each, the last call for a variable winning, and
 * {@link #withPassedFd} adds to a set. {@link #withEnvironment} replaces the whole environment
 * and drops the changes made before it (see {@code docs/decisions.md}).
 *
 * <p>Variables are held as bytes, keyed by {@link Environments#key}, so that a name or value
 * that is not UTF-8 passes through unchanged. A redirect left unset shows its kind's default and
 * remembers that it was not set ({@link #isSet}), for {@code Command.detached()}, whose defaults
 * differ.
 */
public final class ChildSettings {
    private static final String[] STREAMS = {"stdin", "stdout", "stderr"};

    /** A command's defaults: three pipes, a daemon. */
    public static final ChildSettings COMMAND = new ChildSettings(Redirect.PIPE, Redirect.PIPE, Redirect.PIPE, true);
    /** A child JVM's defaults, as Python's: stdin from {@code /dev/null}, stdout and stderr inherited, not a daemon. */
    public static final ChildSettings JVM = new ChildSettings(Redirect.DISCARD, Redirect.INHERIT, Redirect.INHERIT, false);
    /** A pool's workers' defaults: as a child JVM's, and daemons (an open pool does not keep this JVM alive). */
    public static final ChildSettings WORKERS = new ChildSettings(Redirect.DISCARD, Redirect.INHERIT, Redirect.INHERIT, true);

    private final Path directory;
    /** The whole environment by {@link Environments#key}, or null for this JVM's. */
    private final Map<String, byte[]> environment;
    /** Variables set (or removed: a null value) on top of {@link #environment}, by key, in order. */
    private final Map<String, byte[]> environmentChanges;
    private final Redirect[] redirects;
    /** Bit {@code i} set: redirect {@code i} was given, not left at its default. */
    private final int redirectsSet;
    private final boolean daemon;
    private final boolean survivesParent;
    private final List<Integer> passedFds;

    private ChildSettings(Redirect stdin, Redirect stdout, Redirect stderr, boolean daemon) {
        this(null, null, Map.of(), new Redirect[] {stdin, stdout, stderr}, 0, daemon, false, List.of());
    }

    private ChildSettings(Path directory, Map<String, byte[]> environment, Map<String, byte[]> environmentChanges,
                          Redirect[] redirects, int redirectsSet, boolean daemon, boolean survivesParent,
                          List<Integer> passedFds) {
        this.directory = directory;
        this.environment = environment;
        this.environmentChanges = environmentChanges;
        this.redirects = redirects;
        this.redirectsSet = redirectsSet;
        this.daemon = daemon;
        this.survivesParent = survivesParent;
        this.passedFds = passedFds;
    }

    // ---------------------------------------------------------------- with…

    /** Runs the child in {@code directory} instead of this JVM's working directory. */
    public ChildSettings withDirectory(Path directory) {
        return new ChildSettings(Objects.requireNonNull(directory, "directory"), environment, environmentChanges,
                redirects, redirectsSet, daemon, survivesParent, passedFds);
    }

    /** Sets variable {@code name} to {@code value}, on top of the environment. */
    public ChildSettings withEnv(String name, String value) {
        byte[] key = Checks.variableName(name);
        return withChange(key, Checks.variableValue(value, name));
    }

    /** Sets variable {@code name} to {@code value} given as bytes (copied). */
    public ChildSettings withEnvBytes(byte[] name, byte[] value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        String shown = CStrings.decode(name);
        Checks.variableName(name, shown);
        Checks.noNul(value, "the value of " + shown);
        return withChange(name.clone(), value.clone());
    }

    /** Removes variable {@code name} from the child's environment. */
    public ChildSettings withEnvRemoved(String name) {
        return withChange(Checks.variableName(name), null);
    }

    private ChildSettings withChange(byte[] name, byte[] value) {
        Map<String, byte[]> changes = new LinkedHashMap<>(environmentChanges);
        changes.put(Environments.key(name), value);
        return new ChildSettings(directory, environment, Collections.unmodifiableMap(changes), redirects,
                redirectsSet, daemon, survivesParent, passedFds);
    }

    /** Replaces the whole environment with {@code variables}, dropping the changes made before. */
    public ChildSettings withEnvironment(Map<String, String> variables) {
        Objects.requireNonNull(variables, "environment");
        Map<String, byte[]> copy = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            byte[] key = Checks.variableName(name);
            Objects.requireNonNull(value, "the value of " + name);
            copy.put(Environments.key(key), Checks.variableValue(value, name));
        });
        return new ChildSettings(directory, Collections.unmodifiableMap(copy), Map.of(), redirects, redirectsSet,
                daemon, survivesParent, passedFds);
    }

    /** Where the child's stdin comes from. */
    public ChildSettings withStdin(Redirect redirect) {
        return withRedirect(0, Checks.stdin(redirect));
    }

    /** Where the child's stdout goes. */
    public ChildSettings withStdout(Redirect redirect) {
        return withRedirect(1, Checks.stdout(redirect));
    }

    /** Where the child's stderr goes. */
    public ChildSettings withStderr(Redirect redirect) {
        return withRedirect(2, Checks.stderr(redirect));
    }

    private ChildSettings withRedirect(int stream, Redirect redirect) {
        Redirect[] copy = redirects.clone();
        copy[stream] = redirect;
        return new ChildSettings(directory, environment, environmentChanges, copy, redirectsSet | 1 << stream,
                daemon, survivesParent, passedFds);
    }

    /** Whether this JVM's exit ends the child (see {@code ExitPolicy}). */
    public ChildSettings withDaemon(boolean daemon) {
        return new ChildSettings(directory, environment, environmentChanges, redirects, redirectsSet, daemon,
                survivesParent, passedFds);
    }

    /** Whether the child keeps running when this JVM dies. */
    public ChildSettings withSurvivesParent(boolean survivesParent) {
        return new ChildSettings(directory, environment, environmentChanges, redirects, redirectsSet, daemon,
                survivesParent, passedFds);
    }

    /** Adds {@code fd} to the fds the child gets at their own numbers. */
    public ChildSettings withPassedFd(int fd) {
        TreeSet<Integer> fds = new TreeSet<>(passedFds);
        fds.add(Checks.passedFd(fd));
        return new ChildSettings(directory, environment, environmentChanges, redirects, redirectsSet, daemon,
                survivesParent, List.copyOf(fds));
    }

    /**
     * These settings for a detached process: the redirects left unset become stdin from
     * {@code /dev/null} and stdout and stderr inherited, it survives this JVM, and it is not a
     * daemon (this JVM's exit does not touch it). The fds of {@link #withPassedFd} are not
     * passed: a detached process never got them (its intermediate shell reports on fd 3).
     */
    public ChildSettings detached() {
        Redirect[] defaults = {Redirect.DISCARD, Redirect.INHERIT, Redirect.INHERIT};
        Redirect[] copy = redirects.clone();
        for (int i = 0; i < 3; i++) {
            if (!isSet(i)) {
                copy[i] = defaults[i];
            }
        }
        return new ChildSettings(directory, environment, environmentChanges, copy, redirectsSet, false, true,
                List.of());
    }

    // ---------------------------------------------------------------- what they are

    /** The working directory, or null for this JVM's. */
    public Path directory() {
        return directory;
    }

    /** Where stdin comes from. */
    public Redirect stdin() {
        return redirects[0];
    }

    /** Where stdout goes. */
    public Redirect stdout() {
        return redirects[1];
    }

    /** Where stderr goes. */
    public Redirect stderr() {
        return redirects[2];
    }

    /** True if redirect {@code stream} (0 to 2) was set, not left at its default. */
    public boolean isSet(int stream) {
        return (redirectsSet & 1 << stream) != 0;
    }

    /** The name of stream {@code stream} (0 to 2): {@code stdin}, {@code stdout} or {@code stderr}. */
    public static String streamName(int stream) {
        return STREAMS[stream];
    }

    /** True if this JVM's exit ends the child. */
    public boolean daemon() {
        return daemon;
    }

    /** True if the child keeps running when this JVM dies. */
    public boolean survivesParent() {
        return survivesParent;
    }

    /** The fds the child gets at their own numbers, in ascending order. */
    public List<Integer> passedFds() {
        return passedFds;
    }

    /**
     * The child's environment as {@code NAME=value} entries, or null when it gets this JVM's
     * unchanged.
     */
    public List<byte[]> environmentEntries() {
        return Environments.encoded(environment, environmentChanges);
    }

    /** True if the settings set, remove or replace variable {@code name}. */
    public boolean touchesVariable(String name) {
        String key = Environments.key(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return environmentChanges.containsKey(key) || environment != null && environment.containsKey(key);
    }

    /**
     * True if {@code o} starts the same child: the same settings, whether a redirect was set or
     * left at a default that is the same.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChildSettings s && Objects.equals(directory, s.directory)
                && sameVariables(environment, s.environment) && sameVariables(environmentChanges, s.environmentChanges)
                && Arrays.equals(redirects, s.redirects) && daemon == s.daemon
                && survivesParent == s.survivesParent && passedFds.equals(s.passedFds);
    }

    private static boolean sameVariables(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(directory, environment == null ? null : environment.keySet(), environmentChanges.keySet(),
                Arrays.hashCode(redirects), daemon, survivesParent, passedFds);
    }

    @Override
    public String toString() {
        return "ChildSettings[directory=" + directory + ", environment=" + (environment == null ? "inherited"
                : environment.size() + " variables") + ", changes=" + environmentChanges.keySet() + ", stdin="
                + stdin() + ", stdout=" + stdout() + ", stderr=" + stderr() + ", daemon=" + daemon
                + ", survivesParent=" + survivesParent + ", passedFds=" + passedFds + "]";
    }
}
