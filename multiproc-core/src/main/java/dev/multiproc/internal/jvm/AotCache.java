package dev.multiproc.internal.jvm;

import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.launch.ChildSettings;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.launch.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JDK AOT cache (JEP 483/514/515) for the child bootstrap: the classes a child loads to
 * read a task, deserialize it, run it and send back the result, already loaded, linked and
 * profiled, so that a cold child starts sooner.
 *
 * <h2>When it applies</h2>
 * Only when this library was loaded from a jar on the class path: an AOT cache cannot be
 * recorded with a directory on the class path, and it is valid for any class path that
 * starts with the one it was recorded with. So the cache is recorded with the library's jar
 * alone, and children get that jar first on their class path (see {@link LaunchSpec}). It is
 * skipped when the user's JVM options choose a cache or CDS archive of their own.
 *
 * <h2>Where and when</h2>
 * One file per JDK, library jar (path, size, modification time) and JVM options, in
 * {@code $XDG_CACHE_HOME/multiproc} or {@code ~/.cache/multiproc} (or the directory named by
 * the system property {@code dev.multiproc.cacheDir}), a directory private to the user (see
 * {@link AotCacheDirectory}: a link or another user's directory is not used). The first child
 * that finds none starts cold, and a training run ({@code child.Warmup} in a JVM started with
 * {@code -XX:AOTCacheOutput}) records it in the background; it is written in a private
 * temporary directory, checked by a second run with {@code -XX:AOTMode=on} (which fails if the
 * JVM would refuse the cache), and only then renamed into place, so concurrent JVMs never see
 * half a file and never one that would slow them down. Temporaries a killed JVM left are
 * deleted by the next one. Set {@code dev.multiproc.aot=false} to turn all of this off.
 *
 * <h2>Silence</h2>
 * A cache the JVM rejects (another JDK build, a changed jar) must not print into the child's
 * stderr: children run with {@code -Xlog:aot*=off -Xlog:cds*=off}, and a user's own
 * {@code -Xlog} options, which come later, still win.
 */
final class AotCache {
    private static final Set<Path> TRAINED = ConcurrentHashMap.newKeySet();
    /** The cache file for each set of flags; the key hashes the jar, which does not change while we run. */
    private static final Map<List<String>, Path> FILES = new ConcurrentHashMap<>();
    private static final List<String> QUIET = List.of("-Xlog:aot*=off", "-Xlog:cds*=off");
    /** The cache directory once it was found usable (private, this user's); null until then. */
    private static volatile Path ready;
    /** True once the directory was found unusable (a link, someone else's): that does not change. */
    private static volatile boolean refused;

    private AotCache() {}

    /**
     * The options that make a child use the cache, or none; may start recording it.
     *
     * @param userOptions the user's JVM options: the cache is recorded with them, since a
     *     cache recorded with other module options, another collector or another heap mode
     *     (compressed or not) is refused, and a refused cache also costs the JDK's default
     *     CDS archive, which makes the child slower than with no cache at all
     * @param child the child's settings: a user's environment that sets {@code JAVA_TOOL_OPTIONS}
     *     or {@code JDK_JAVA_OPTIONS} changes the JVM the cache would be recorded for
     */
    static List<String> options(JavaRuntime runtime, List<String> userOptions, ChildSettings child) {
        if (!Boolean.parseBoolean(System.getProperty("dev.multiproc.aot", "true"))
                || runtime.libraryJar().isEmpty() || runtime.libraryInNamedModule()
                || (runtime.modulePath() != null && !runtime.modulePath().isEmpty())
                || userOptions.stream().anyMatch(AotCache::choosesArchive)
                || child.touchesVariable("JAVA_TOOL_OPTIONS")
                || child.touchesVariable("JDK_JAVA_OPTIONS")) {
            return List.of();
        }
        if (readyDirectory() == null) {
            return List.of();
        }
        List<String> flags = trainingFlags(runtime, userOptions);
        Path known = FILES.get(flags);
        if (known == null) {
            try {
                known = file(runtime, flags);
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
            FILES.put(flags, known);
        }
        Path cache = known;
        if (Files.isRegularFile(cache)) {
            List<String> options = new ArrayList<>();
            options.add("-XX:AOTCache=" + cache);
            options.addAll(QUIET);
            return options;
        }
        if (TRAINED.add(cache)) {
            Thread.ofVirtual().name("multiproc-aot-training").start(() -> train(runtime, flags, cache));
        }
        return List.of();
    }

    private static boolean choosesArchive(String option) {
        return option.startsWith("-XX:AOTCache") || option.startsWith("-XX:AOTMode")
                || option.startsWith("-XX:SharedArchiveFile") || option.startsWith("-Xshare");
    }

    /** Where the cache for this JDK, jar and flags lives. */
    static Path file(JavaRuntime runtime, List<String> flags) throws IOException {
        Path jar = runtime.libraryJar().orElseThrow();
        StringBuilder key = new StringBuilder();
        key.append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(jar).append('\n')
                .append(Files.size(jar)).append('\n')
                .append(Files.getLastModifiedTime(jar).toMillis()).append('\n')
                .append(String.join("\n", flags));
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return directory().resolve("bootstrap-" + Runtime.version().feature() + "-" + hash + ".aot");
    }

    /**
     * The cache directory, prepared once ({@link AotCacheDirectory#prepare}), or null if it must
     * not be used. A failure to look at it (out of fds, say) is not remembered: the next start
     * tries again. The first JVM to find it ready deletes the temporaries killed JVMs left.
     */
    private static Path readyDirectory() {
        Path dir = ready;
        if (dir != null || refused) {
            return dir;
        }
        synchronized (AotCache.class) {
            if (ready == null && !refused) {
                Path candidate = directory();
                try {
                    if (AotCacheDirectory.prepare(candidate)) {
                        ready = candidate;
                        Thread.ofVirtual().name("multiproc-aot-cleanup").start(() -> AotCacheDirectory.deleteStale(candidate));
                    } else {
                        refused = true;
                    }
                } catch (IOException | RuntimeException e) {
                    return null; // tried again at the next start
                }
            }
            return ready;
        }
    }

    private static Path directory() {
        String configured = System.getProperty("dev.multiproc.cacheDir");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("multiproc");
    }

    /** The flags a child gets besides the class path, which the cache must be recorded with. */
    private static List<String> trainingFlags(JavaRuntime runtime, List<String> userOptions) {
        List<String> flags = new ArrayList<>(StartFlags.defaults(userOptions));
        flags.addAll(runtime.accessOptions());
        flags.addAll(userOptions);
        return flags;
    }

    /** Runs the bootstrap's training round trip with {@code flags} and {@code aotOptions}; true if it exited 0. */
    private static boolean run(JavaRuntime runtime, List<String> flags, String... aotOptions)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(runtime.java());
        argv.addAll(List.of(aotOptions));
        argv.addAll(QUIET);
        argv.addAll(flags);
        argv.add("-cp");
        argv.add(runtime.libraryJar().orElseThrow().toString());
        argv.add(LaunchSpec.MAIN_CLASS);
        argv.add("--train");
        // A command as any other (a daemon, killed with this JVM), with all three streams discarded.
        ChildSettings quiet = ChildSettings.COMMAND.withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD)
                .withStderr(Redirect.DISCARD);
        Child child = Launcher.launch(LaunchRequest.ofText(Child.Kind.COMMAND, null, argv, quiet)).child();
        try {
            ExitStatus status = child.exit().get();
            return status.success();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("the training run's exit could not be read", e);
        }
    }

    private static void train(JavaRuntime runtime, List<String> flags, Path cache) {
        Path temporary = null;
        try {
            temporary = AotCacheDirectory.newTemporary(cache.getParent());
            Path recorded = temporary.resolve("cache.aot");
            // A cache the JVM would refuse is worse than none: check that it is taken, then publish it.
            if (run(runtime, flags, "-XX:AOTCacheOutput=" + recorded) && Files.isRegularFile(recorded)
                    && run(runtime, flags, "-XX:AOTMode=on", "-XX:AOTCache=" + recorded)) {
                AotCacheDirectory.closeToOthers(recorded);
                Files.move(recorded, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            // No cache: children start without one, as they did.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (temporary != null) {
                AotCacheDirectory.delete(temporary);
            }
        }
    }
}
