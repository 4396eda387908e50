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
    /**
     * How long a row waits for something that happens at once on an idle machine: a deadline
     * only a hang reaches. Rows never assert how long a thing took.
     */
    static final Duration PATIENCE = Duration.ofSeconds(20);

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

    /** A parent JVM started for a row, and what it said before {@code ready}. */
    record Parent(dev.multiproc.Subprocess process, java.util.Map<String, Long> said) {
        long pid(String key) {
            Long pid = said.get(key);
            if (pid == null) {
                throw new IllegalStateException("the parent did not say " + key + ": " + said);
            }
            return pid;
        }
    }

    /** Starts {@link LabParent} with {@code scenario} and reads its {@code key=pid} lines up to {@code ready}. */
    Parent startParent(String scenario, String... args) throws IOException {
        dev.multiproc.Subprocess p = parentJvm(scenario, args).stdin(dev.multiproc.Redirect.DISCARD)
                .stderr(dev.multiproc.Redirect.INHERIT).start();
        java.util.Map<String, Long> said = new java.util.LinkedHashMap<>();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.stdout()));
        for (String line = out.readLine(); line != null && !line.equals("ready"); line = out.readLine()) {
            String[] kv = line.split("=", 2);
            said.put(kv[0], Long.parseLong(kv[1]));
            cleanUpLater(Long.parseLong(kv[1]));
        }
        return new Parent(p, said);
    }

    /** Waits up to {@link #PATIENCE} for {@code pid} to stop running (gone, or a zombie); true if it did. */
    static boolean awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (ProcessEntry.isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
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
