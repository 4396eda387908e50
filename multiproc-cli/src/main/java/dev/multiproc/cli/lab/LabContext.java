package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the rows share: a scratch directory, Python when it is there, parent JVMs, clean-up. */
final class LabContext implements AutoCloseable {
    private final Path dir;
    private final boolean python;
    private final List<Long> leftovers = new ArrayList<>();

    LabContext() throws IOException {
        dir = Files.createTempDirectory("multiproc-lab");
        python = onPath("python3");
    }

    /** A scratch directory, deleted at the end. */
    Path dir() {
        return dir;
    }

    /** This JVM's pid. */
    long self() {
        return ProcessHandle.current().pid();
    }

    /** True if {@code python3} is on PATH, so that a row can show Python's side live too. */
    boolean hasPython() {
        return python;
    }

    /** Runs a Python script and returns what it printed; it must succeed. */
    String python(String script) throws IOException, InterruptedException {
        CompletedProcess r = Command.of("python3", "-c", script).timeout(Duration.ofSeconds(20)).run().check();
        return r.stdoutText().strip();
    }

    /**
     * A command running {@link LabParent} with {@code scenario} in a JVM of its own: the
     * parent a row needs to end in some way.
     */
    Command parentJvm(String scenario, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElseThrow());
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-XX:+UseSerialGC");
        argv.add("-Xshare:auto");
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(LabParent.class.getName());
        argv.add(scenario);
        argv.addAll(List.of(args));
        return Command.of(argv);
    }

    /** Kills {@code pid} and its tree when the lab ends, if it still runs then. */
    void cleanUpLater(long pid) {
        leftovers.add(pid);
    }

    /** The state letter of {@code pid} in {@code /proc} ({@code R}, {@code S}, {@code Z}, ...), or "gone". */
    static String state(long pid) {
        return ProcessEntry.of(pid).map(e -> String.valueOf(e.state())).orElse("gone");
    }

    /** Milliseconds since {@code startNanos}. */
    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    @Override
    public void close() throws IOException {
        try {
            for (long pid : leftovers) {
                if (ProcessEntry.isRunning(pid)) {
                    Multiproc.killTree(pid, Duration.ofMillis(200));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
