package dev.multiproc.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.Command;
import dev.multiproc.MultiprocException;
import dev.multiproc.ProcessPool;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster member started as a child process of this JVM: a JVM that runs {@link MemberMain}
 * with the library's and Hazelcast's jars only (none of this JVM's other class path: the member
 * runs its clients' classes in its workers, from the class path they ship). As every child
 * started with {@link Command}, it is a daemon: it is terminated when this JVM exits and killed
 * when this JVM dies, however it dies.
 *
 * <pre>{@code
 * try (MemberProcess member = MemberProcess.start(ClusterMember.options().port(5701).workers(2))) {
 *     // ... a ClusterPool at 127.0.0.1:5701
 * }
 * }</pre>
 */
public final class MemberProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Subprocess process;
    private final String address;

    private MemberProcess(Subprocess process, String address) {
        this.process = process;
        this.address = address;
    }

    /**
     * Starts a member process and waits until it has joined its cluster (at most 90 s); its
     * stderr (Hazelcast's warnings) is inherited.
     *
     * @throws MultiprocException if it cannot start, or ends or is silent before it is ready
     *     (nothing is left running then)
     */
    public static MemberProcess start(ClusterMember.Options options) {
        return start(options, Redirect.INHERIT);
    }

    /**
     * As {@link #start(ClusterMember.Options)}, with the member's stderr going to {@code stderr}.
     *
     * @throws MultiprocException if it cannot start, or ends or is silent before it is ready
     */
    public static MemberProcess start(ClusterMember.Options options, Redirect stderr) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "-cp", classPath(), MemberMain.class.getName()));
        argv.addAll(options.arguments());
        Subprocess process;
        try {
            process = Command.of(argv).stderr(stderr).start();
        } catch (IOException e) {
            throw new MultiprocException("cannot start a member process: " + e.getMessage(), e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("multiproc-member-stdout-" + process.pid()).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.stdout(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(MemberMain.READY)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                // the member ended
            }
            ready.completeExceptionally(new MultiprocException("the member process " + process.pid()
                    + " ended before it was ready"));
        });
        try {
            ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.kill();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = e instanceof TimeoutException ? "was not ready within " + READY_TIMEOUT.toSeconds() + " s"
                    : cause.getMessage();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MultiprocException("cannot start a member process (" + String.join(" ", options.arguments())
                    + "): " + why, cause);
        }
        return new MemberProcess(process, options.bind + ":" + options.port);
    }

    /** The library's jar or folder, this module's, and Hazelcast's: what a member needs. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(ProcessPool.class, MemberMain.class, HazelcastInstance.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException | RuntimeException e) {
                throw new MultiprocException("cannot find where " + c.getName() + " was loaded from", e);
            }
        }
        for (String e : entries) {
            if (!Files.exists(Path.of(e))) {
                throw new MultiprocException("a member's class path entry is missing: " + e);
            }
        }
        return String.join(":", entries);
    }

    /** Its process id. */
    public long pid() {
        return process.pid();
    }

    /** The {@code HOST:PORT} it listens at. */
    public String address() {
        return address;
    }

    /** True while it runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends it SIGKILL (its workers halt by themselves: their lifeline). */
    public void kill() {
        process.kill();
    }

    /**
     * Stops it: SIGTERM (it leaves its cluster and stops its workers), then SIGKILL after 10 s.
     * Waits until it has ended.
     */
    @Override
    public void close() {
        try {
            process.terminate();
            if (!process.join(Duration.ofSeconds(10))) {
                process.kill();
                process.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MemberProcess[" + address + ", pid " + process.pid() + "]";
    }
}
