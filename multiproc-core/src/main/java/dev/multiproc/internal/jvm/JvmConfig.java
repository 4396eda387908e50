package dev.multiproc.internal.jvm;

import dev.multiproc.Redirect;
import dev.multiproc.internal.launch.ChildSettings;
import dev.multiproc.internal.launch.Checks;
import dev.multiproc.internal.wire.SerialLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of a child JVM, a {@code JvmProcess}'s or a pool's workers': the
 * {@linkplain ChildSettings settings every child has}, and what a JVM adds (its name, its
 * options and system properties, the deserialization filter; for a {@code JvmProcess}, a warm
 * spare and the grace it gets when a signal stops this JVM). Immutable: each {@code with…}
 * method returns a new value, checked by {@link Checks}; both JVM builders hold one, so that
 * their common setters mean the same.
 *
 * <p>Setting twice follows the rule of {@link ChildSettings}: one value takes the last given
 * (the name, the filter, the grace); {@link #withJvmOptions} appends, and
 * {@link #withSystemProperty} sets one property, the last call for a key winning.
 */
public final class JvmConfig {
    private final String name;
    private final ChildSettings child;
    private final List<String> jvmOptions;
    private final Map<String, String> systemProperties;
    private final SerialLimits limits;
    private final boolean warmSpare;
    private final Duration signalGrace;
    private final List<String> classPath;

    private JvmConfig(String name, ChildSettings child, List<String> jvmOptions, Map<String, String> systemProperties,
                      SerialLimits limits, boolean warmSpare, Duration signalGrace) {
        this(name, child, jvmOptions, systemProperties, limits, warmSpare, signalGrace, null);
    }

    private JvmConfig(String name, ChildSettings child, List<String> jvmOptions, Map<String, String> systemProperties,
                      SerialLimits limits, boolean warmSpare, Duration signalGrace, List<String> classPath) {
        this.classPath = classPath;
        this.name = name;
        this.child = child;
        this.jvmOptions = jvmOptions;
        this.systemProperties = systemProperties;
        this.limits = limits;
        this.warmSpare = warmSpare;
        this.signalGrace = signalGrace;
    }

    /**
     * A {@code JvmProcess}'s defaults: no name yet, {@link ChildSettings#JVM}, no options, the
     * default filter, no spare, a grace of {@code dev.multiproc.signalGraceSeconds} (10 s).
     */
    public static JvmConfig forProcess() {
        return new JvmConfig(null, ChildSettings.JVM, List.of(), Map.of(), SerialLimits.defaults(), false,
                Duration.ofSeconds(Long.getLong("dev.multiproc.signalGraceSeconds", 10)));
    }

    /** A pool's workers' defaults: as {@link #forProcess()} with {@link ChildSettings#WORKERS}, and no grace. */
    public static JvmConfig forWorkers() {
        return new JvmConfig(null, ChildSettings.WORKERS, List.of(), Map.of(), SerialLimits.defaults(), false,
                Duration.ZERO);
    }

    /** With the name {@code name}: not empty, without NUL. */
    public JvmConfig withName(String name) {
        return new JvmConfig(Checks.name(name), child, jvmOptions, systemProperties, limits, warmSpare, signalGrace,
                classPath);
    }

    /** With the child settings {@code child}. */
    public JvmConfig withChild(ChildSettings child) {
        return new JvmConfig(name, Objects.requireNonNull(child, "child"), jvmOptions, systemProperties, limits,
                warmSpare, signalGrace, classPath);
    }

    /** With {@code options} after the options given before. */
    public JvmConfig withJvmOptions(String... options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(Checks.jvmOptions(options));
        return new JvmConfig(name, child, List.copyOf(all), systemProperties, limits, warmSpare, signalGrace,
                classPath);
    }

    /** With the system property {@code key} set to {@code value} in the child. */
    public JvmConfig withSystemProperty(String key, String value) {
        Checks.systemPropertyKey(key);
        Checks.noNul(Objects.requireNonNull(value, "value"), "the value of system property " + key);
        Map<String, String> all = new LinkedHashMap<>(systemProperties);
        all.put(key, value);
        return new JvmConfig(name, child, jvmOptions, Collections.unmodifiableMap(all), limits, warmSpare, signalGrace,
                classPath);
    }

    /** With the deserialization filter {@code pattern} (see {@link SerialLimits#parse}). */
    public JvmConfig withDeserializationFilter(String pattern) {
        SerialLimits parsed = SerialLimits.parse(Objects.requireNonNull(pattern, "pattern"));
        return new JvmConfig(name, child, jvmOptions, systemProperties, parsed, warmSpare, signalGrace, classPath);
    }

    /** With a warm spare kept for the next start, or not. */
    public JvmConfig withWarmSpare(boolean warmSpare) {
        return new JvmConfig(name, child, jvmOptions, systemProperties, limits, warmSpare, signalGrace, classPath);
    }

    /** With {@code grace}, not negative: how long a child that is not a daemon is awaited under a signal. */
    public JvmConfig withSignalGrace(Duration grace) {
        return new JvmConfig(name, child, jvmOptions, systemProperties, limits, warmSpare,
                Checks.notNegative(grace, "grace"), classPath);
    }

    /**
     * With {@code entries} as the child's class path instead of this JVM's (the library's own jar
     * or folder still comes first, so that the child finds its main class): for the workers of a
     * cluster member, which run another JVM's classes. Internal: no builder offers it.
     */
    public JvmConfig withClassPath(List<String> entries) {
        return new JvmConfig(name, child, jvmOptions, systemProperties, limits, warmSpare, signalGrace,
                List.copyOf(entries));
    }

    /** The class path given by {@link #withClassPath}, or null for this JVM's. */
    public List<String> classPath() {
        return classPath;
    }

    /** The name, or null if none was given yet. */
    public String name() {
        return name;
    }

    /** The settings every child has. */
    public ChildSettings child() {
        return child;
    }

    /** Python's daemon flag: terminated at this JVM's exit instead of awaited. */
    public boolean daemon() {
        return child.daemon();
    }

    /** True if the child keeps running when this JVM dies. */
    public boolean survivesParent() {
        return child.survivesParent();
    }

    /** Where the child's stdout goes. */
    public Redirect stdout() {
        return child.stdout();
    }

    /** Where the child's stderr goes. */
    public Redirect stderr() {
        return child.stderr();
    }

    /** Options for the child's {@code java} command, after multiproc's own. */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** {@code -D} properties for the child. */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** The deserialization filter, on both sides. */
    public SerialLimits limits() {
        return limits;
    }

    /** True to keep an idle child with these settings started for the next start. */
    public boolean warmSpare() {
        return warmSpare;
    }

    /** How long a child that is not a daemon is awaited when this JVM is stopped by a signal. */
    public Duration signalGrace() {
        return signalGrace;
    }

    /** True if the child's stderr goes through this JVM, which keeps its tail for error messages. */
    boolean tailsStderr() {
        return child.stderr() == Redirect.INHERIT && !child.survivesParent();
    }

    @Override
    public String toString() {
        return "JvmConfig[" + name + ", " + child + ", options=" + jvmOptions + ", properties=" + systemProperties
                + ", warmSpare=" + warmSpare + ", signalGrace=" + signalGrace
                + (classPath == null ? "" : ", classPath=" + classPath) + "]";
    }
}
