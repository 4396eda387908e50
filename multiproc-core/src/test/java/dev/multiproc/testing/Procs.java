package dev.multiproc.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.multiproc.Command;
import dev.multiproc.ProcessStartException;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the tests need to look at processes, fds and threads from the outside. */
public final class Procs {
    /** How long a test waits for something that should happen at once on an idle machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private Procs() {}

    /** This JVM's pid. */
    public static long self() {
        return ProcessHandle.current().pid();
    }

    /** How many fds this JVM has open (the listing's own fd counts every time, so counts compare). */
    public static int openFdCount() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What each fd of {@code pid} points at ({@code /proc/PID/fd/N} links: a path,
     * {@code pipe:[inode]}, ...), by fd number.
     */
    public static Map<Integer, String> fdTargets(long pid) {
        Map<Integer, String> targets = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.put(Integer.parseInt(fd.getFileName().toString()),
                            Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // the fd that listed the directory, or one closed while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }

    /** The value of {@code field} in {@code /proc/PID/status}, such as {@code SigIgn}. */
    public static String status(long pid, String field) {
        return statusOf(Path.of("/proc", Long.toString(pid), "status"), field);
    }

    /** The value of {@code field} in a {@code status} file of {@code /proc}. */
    public static String statusOf(Path statusFile, String field) {
        try {
            for (String line : Files.readAllLines(statusFile)) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(statusFile + " has no " + field);
    }

    /**
     * The first line of a {@code /proc/sys} file. Read in one go: such a file answers a read
     * at a non-zero offset with end of file, and {@code Files.readString} reads it byte by byte.
     */
    public static String sysctl(String path) {
        try (BufferedReader reader = Files.newBufferedReader(Path.of(path))) {
            return reader.readLine().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live platform threads of this JVM. */
    public static List<Thread> liveThreads() {
        return new ArrayList<>(Thread.getAllStackTraces().keySet());
    }

    /** The children of this JVM that {@code /proc} shows now, zombies included. */
    public static List<ProcessEntry> children() {
        long self = self();
        return ProcessEntry.snapshot().stream().filter(e -> e.ppid() == self).toList();
    }

    /** The children of this JVM that are zombies now: exited and not reaped. */
    public static List<ProcessEntry> zombieChildren() {
        return children().stream().filter(ProcessEntry::zombie).toList();
    }

    /** The processes whose parent is {@code pid} now. */
    public static List<ProcessEntry> childrenOf(long pid) {
        return ProcessEntry.snapshot().stream().filter(e -> e.ppid() == pid).toList();
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; its last value. */
    public static boolean poll(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + e);
            }
        }
    }

    /** Fails with {@code what} unless {@code condition} holds within {@link #PATIENCE}. */
    public static void await(String what, BooleanSupplier condition) {
        if (!poll(PATIENCE, condition)) {
            fail("not within " + PATIENCE + ": " + what);
        }
    }

    /**
     * Waits until {@code pid} sleeps in {@code nanosleep}: a {@code sleep} that has finished
     * starting, so that the fds its dynamic loader opens for a moment are closed again.
     */
    public static void awaitAsleep(long pid) {
        await("process " + pid + " sleeps in nanosleep", () -> {
            try {
                String wchan = Files.readString(Path.of("/proc", Long.toString(pid), "wchan"));
                String syscall = Files.readString(Path.of("/proc", Long.toString(pid), "syscall")).split(" ")[0];
                // clock_nanosleep and nanosleep: 230 and 35 on x86_64, 115 and 101 on aarch64
                return wchan.contains("nanosleep") || Set.of("230", "35", "115", "101").contains(syscall.strip());
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Fails unless {@code pid} stops running (gone, or a zombie) within {@link #PATIENCE}. */
    public static void awaitGone(long pid) {
        await("process " + pid + " " + ProcessEntry.of(pid).orElse(null) + " ends",
                () -> !ProcessEntry.isRunning(pid));
    }

    /** Everything {@code in} holds until end of file, as UTF-8; closes it. */
    public static String readAll(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code command} with stdout piped, stdin and stderr discarded; returns its stdout. */
    public static String output(Command command) throws IOException, InterruptedException {
        Subprocess p = command.stdin(Redirect.DISCARD).stdout(Redirect.PIPE).stderr(Redirect.DISCARD).start();
        String out = readAll(p.stdout());
        p.waitFor();
        return out;
    }

    /** Starts {@code sleep 60} with all three streams discarded: a child that stays put. */
    public static Subprocess sleeper() throws IOException {
        return Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.DISCARD).start();
    }

    /**
     * Starts the library's engine and loads what a start and a failed start load, so that
     * the fds and threads counted afterwards are the ones a test causes.
     */
    public static void warmUp() throws IOException, InterruptedException {
        Subprocess p = Command.of("cat").start();
        p.stdin().close();
        readAll(p.stdout());
        readAll(p.stderr());
        p.waitFor();
        try {
            Command.of("/nonexistent/warm-up").start();
            fail("a missing program started");
        } catch (ProcessStartException expected) {
            // loaded the failure path
        }
    }

    /**
     * A command that runs {@code main} in a new JVM (this JVM's {@code java}, class path and
     * native access), with {@code jvmOptions} before the class name.
     */
    public static Command java(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(javaExecutable());
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.add("-Xshare:auto");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.addAll(jvmOptions);
        argv.add(main.getName());
        argv.addAll(List.of(args));
        return Command.of(argv);
    }

    /** The {@code java} launcher of this JVM. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
