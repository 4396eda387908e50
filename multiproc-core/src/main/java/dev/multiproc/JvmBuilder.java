package dev.multiproc;

import dev.multiproc.internal.jvm.JvmConfig;
import dev.multiproc.internal.launch.Checks;
import dev.multiproc.internal.launch.ChildSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * The setters {@link JvmProcess.Builder} and {@link ProcessPool.Builder} share, written once:
 * a child JVM's name, options, system properties, environment, directory, redirects and
 * deserialization filter. For a pool, "the child" is each of its workers. Those that
 * {@link Command} has too mean the same there, with the same checks and messages.
 *
 * <p>Called twice, a setting of one value takes the last value given; {@link #jvmOptions},
 * {@link #systemProperty}, {@link #env}, {@link #envBytes} and {@link #envRemove} add to what
 * was given before (the last value of a key winning), and {@link #environment} replaces the
 * whole environment.
 *
 * @param <B> the builder
 */
abstract sealed class JvmBuilder<B extends JvmBuilder<B>> permits JvmProcess.Builder, ProcessPool.Builder {
    /** What the builder was told so far. */
    JvmConfig config;
    /** Who the children are, for a message: "a child JVM", "a pool's workers". */
    private final String whose;
    /** True if stdout and stderr may be pipes: this JVM has a handle to read them. */
    private final boolean outputPipes;

    JvmBuilder(JvmConfig config, String whose, boolean outputPipes) {
        this.config = config;
        this.whose = whose;
        this.outputPipes = outputPipes;
    }

    /** This builder. */
    abstract B self();

    /** Sets the child settings, already checked. */
    final B child(ChildSettings settings) {
        config = config.withChild(settings);
        return self();
    }

    /**
     * A name for people (Python's {@code name}): a {@code JvmProcess}'s, or a pool's, whose
     * workers are named after it ({@code NAME-worker-N}). Default {@code JvmProcess-N} or
     * {@code ProcessPool-N}.
     *
     * @throws IllegalArgumentException if the name is empty or holds a NUL
     */
    public B name(String name) {
        config = config.withName(name);
        return self();
    }

    /**
     * Adds options to the child's {@code java} command, such as {@code -Xmx2g}, after those
     * given before; they come after multiproc's own, so they win.
     *
     * @throws IllegalArgumentException for an option that does not start with {@code -},
     *     holds a NUL, or would replace the child's main class ({@code -jar}, {@code -m},
     *     {@code --module})
     */
    public B jvmOptions(String... options) {
        config = config.withJvmOptions(options);
        return self();
    }

    /**
     * Sets a system property in the child ({@code -Dkey=value}).
     *
     * @throws IllegalArgumentException if the key is empty or holds {@code =}, or either holds NUL
     */
    public B systemProperty(String key, String value) {
        config = config.withSystemProperty(key, value);
        return self();
    }

    /**
     * Sets an environment variable for the child, on top of this JVM's environment (or the
     * one given to {@link #environment}), as {@link Command#env} does.
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or
     *     the value holds NUL, or either has no UTF-8 form (a lone surrogate)
     */
    public B env(String name, String value) {
        return child(config.child().withEnv(name, value));
    }

    /**
     * Sets an environment variable for the child from bytes, as {@link Command#envBytes} does:
     * for a name or value that is not UTF-8 text. The arrays are copied.
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or
     *     the value holds NUL
     */
    public B envBytes(byte[] name, byte[] value) {
        return child(config.child().withEnvBytes(name, value));
    }

    /**
     * Removes one variable from the child's environment, as {@link Command#envRemove} does.
     *
     * @throws IllegalArgumentException for a name as {@link #env} refuses
     */
    public B envRemove(String name) {
        return child(config.child().withEnvRemoved(name));
    }

    /**
     * Replaces the child's whole environment with {@code environment} (earlier {@link #env}
     * and {@link #envRemove} calls are dropped), as {@link Command#environment} does.
     *
     * @throws IllegalArgumentException for a name or value as {@link #env} refuses
     */
    public B environment(Map<String, String> environment) {
        return child(config.child().withEnvironment(environment));
    }

    /**
     * Runs the child in {@code directory} instead of this JVM's working directory. The class
     * path and other paths on its command line stay those of this JVM.
     *
     * @throws NullPointerException if {@code directory} is null
     */
    public B directory(Path directory) {
        return child(config.child().withDirectory(directory));
    }

    /**
     * Where the child's stdin comes from: {@link Redirect#DISCARD} (the default, as in Python's
     * {@code multiprocessing}), {@link Redirect#INHERIT} or {@link Redirect#from}.
     *
     * @throws IllegalArgumentException for an output redirect, or {@link Redirect#PIPE}
     *     (nothing in this JVM could write into it)
     */
    public B stdin(Redirect redirect) {
        ChildSettings settings = config.child().withStdin(redirect);
        Checks.notPipe(redirect, "stdin", whose);
        return child(settings);
    }

    /**
     * Where the child's stdout goes: {@link Redirect#INHERIT} (the default, as in Python),
     * {@link Redirect#DISCARD}, a file, or for a {@code JvmProcess} {@link Redirect#PIPE} (read
     * it from {@link JvmProcess#stdout()}).
     *
     * @throws IllegalArgumentException for an input redirect, {@link Redirect#TO_STDOUT}, or
     *     {@link Redirect#PIPE} for a pool's workers (nothing could read it)
     */
    public B stdout(Redirect redirect) {
        ChildSettings settings = config.child().withStdout(redirect);
        if (!outputPipes) {
            Checks.notPipe(redirect, "stdout", whose);
        }
        return child(settings);
    }

    /**
     * Where the child's stderr goes: as {@link #stdout}, or {@link Redirect#TO_STDOUT}. With
     * {@link Redirect#INHERIT} (the default) it passes through this JVM, which writes it to its
     * own stderr and keeps its last 8 KiB for {@link ChildFailedException} and
     * {@link WorkerDiedException}.
     *
     * @throws IllegalArgumentException for an input redirect, or {@link Redirect#PIPE} for a
     *     pool's workers
     */
    public B stderr(Redirect redirect) {
        ChildSettings settings = config.child().withStderr(redirect);
        if (!outputPipes) {
            Checks.notPipe(redirect, "stderr", whose);
        }
        return child(settings);
    }

    /**
     * Adds to the deserialization filter used for what the child reads (a task, its arguments)
     * and for what this JVM reads from it (results, exceptions), in
     * {@link java.io.ObjectInputFilter.Config#createFilter} syntax; a second call replaces the
     * first. The defaults are {@code maxbytes=1073741824;maxdepth=5000;maxrefs=50000000;
     * maxarray=268435456}; a limit named here replaces its default, and class patterns such as
     * {@code com.example.*;java.base/*;!*} are checked after the limits. Whatever the pattern,
     * the arrays of one stream may hold no more elements in all than the stream has bytes (plus
     * 4,096): a small stream cannot announce arrays that would take gigabytes. For a pool,
     * {@code maxbytes} also bounds a frame on the channel.
     *
     * @throws IllegalArgumentException if the pattern is malformed
     */
    public B deserializationFilter(String pattern) {
        config = config.withDeserializationFilter(pattern);
        return self();
    }
}
