package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multiproc.pooltesting.ShortageMain;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies while the machine is short of processes is replaced once processes are
 * free again: failing replacements are retried with backoff, and the pool does not break.
 *
 * <p>The shortage is a cgroup v1 {@code pids} controller group that holds the JVM with the pool
 * and its workers: its {@code pids.max} is lowered below what a new worker needs, a worker is
 * killed, the kernel refuses the replacements' forks (counted in {@code pids.events}) until the
 * pool says it has retried three failed starts in a row, and the limit is lifted. Without a writable {@code pids} controller (not root, or no v1 hierarchy) the
 * test is skipped, saying why.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessPoolShortageTest {
    private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");
    private static final long PATIENCE_SECONDS = Procs.PATIENCE.toSeconds();

    @TempDir
    Path dir;

    @Test
    void replacementsRefusedForLackOfProcesses_areRetried_untilTheShortageIsLifted() throws Exception {
        assumeTrue(Files.isWritable(PIDS.resolve("cgroup.procs")) && "0".equals(uid()),
                "needs root and a cgroup v1 pids controller at " + PIDS
                        + " to make a process shortage (RLIMIT_NPROC does not bind root)");
        Path group = PIDS.resolve("multiproc-test-" + UUID.randomUUID());
        Files.createDirectory(group);
        System.out.println("process shortage made with: the cgroup v1 pids controller, group " + group);
        Path stderr = dir.resolve("stderr");
        Subprocess holder = null;
        try {
            holder = Procs.java(List.of(), ShortageMain.class, Long.toString(2 * PATIENCE_SECONDS))
                    .stdin(Redirect.PIPE).stdout(Redirect.PIPE).stderr(Redirect.to(stderr)).start();
            write(group.resolve("cgroup.procs"), Long.toString(holder.pid()));
            OutputStream commands = holder.stdin();
            BufferedReader answers = new BufferedReader(new InputStreamReader(holder.stdout(), StandardCharsets.UTF_8));

            send(commands, "build");
            String workers = answer(answers);
            assertTrue(workers != null && workers.startsWith("workers "), workers + stderrOf(stderr));
            long victim = Long.parseLong(workers.split(" ")[1]);

            long victimThreads = Long.parseLong(Procs.status(victim, "Threads"));
            long current = Long.parseLong(read(group.resolve("pids.current")));
            // below what is left once the victim is gone: no process or thread can start in the group
            write(group.resolve("pids.max"), Long.toString(Math.max(1, current - victimThreads - 2)));
            long refusedBefore = refusedForks(group);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            send(commands, "watch");
            String watched = answer(answers);
            System.out.println("forks refused in the group: " + (refusedForks(group) - refusedBefore) + "; " + watched);
            assertTrue(watched != null && watched.startsWith("retrying "), watched + stderrOf(stderr));
            write(group.resolve("pids.max"), "max");

            send(commands, "go");
            String outcome = answer(answers);
            assertEquals("ok 100", outcome, stderrOf(stderr));
            commands.close();
            assertEquals(0, holder.waitFor().returncode());
        } finally {
            write(group.resolve("pids.max"), "max");
            if (holder != null) {
                stop(holder, group);
            }
            removeWhenEmpty(group);
        }
    }

    /**
     * Ends the pool's JVM so that it reaps its workers first: told to (end of its input: it shuts
     * its pool down and waits for it), or else by killing what else is in the group until only it
     * is left, then it. A worker orphaned here would stay a zombie in the group for good.
     */
    private static void stop(Subprocess holder, Path group) throws InterruptedException {
        try {
            holder.stdin().close();
        } catch (IOException e) {
            // it is gone already
        }
        Procs.poll(Procs.PATIENCE, () -> !holder.isAlive() || killAllBut(holder.pid(), group));
        holder.kill();
        holder.waitFor();
    }

    /** Kills every process of {@code group} but {@code pid}; true if it was alone already. */
    private static boolean killAllBut(long pid, Path group) {
        boolean alone = true;
        for (String p : read(group.resolve("cgroup.procs")).split("\\s+")) {
            if (!p.isEmpty() && Long.parseLong(p) != pid) {
                alone = false;
                ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        return alone;
    }

    /** Removes the test's group once its processes are gone; says so, without failing, if they are not. */
    private static void removeWhenEmpty(Path group) {
        if (Procs.poll(Procs.PATIENCE, () -> read(group.resolve("cgroup.procs")).isEmpty())) {
            try {
                Files.delete(group);
                return;
            } catch (IOException e) {
                System.out.println("cannot remove " + group + ": " + e);
            }
        }
        System.out.println("left behind, not empty: " + group + " holding " + read(group.resolve("cgroup.procs")));
    }

    /** The next line of the pool's JVM, past the JVM's own warnings (its failed thread starts), which go to stdout. */
    private static String answer(BufferedReader answers) throws IOException {
        String line;
        do {
            line = answers.readLine();
        } while (line != null && line.startsWith("["));
        return line;
    }

    private static String uid() {
        return Procs.status(ProcessHandle.current().pid(), "Uid").split("\\s+")[0];
    }

    private static void send(OutputStream commands, String command) throws IOException {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
    }

    /** How many forks the kernel refused in {@code group} for its limit ({@code max N} in pids.events). */
    private static long refusedForks(Path group) {
        for (String line : read(group.resolve("pids.events")).split("\n")) {
            if (line.startsWith("max ")) {
                return Long.parseLong(line.substring(4).strip());
            }
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stderrOf(Path file) {
        try {
            String s = Files.exists(file) ? Files.readString(file) : "";
            return s.isEmpty() ? "" : "; the pool's JVM's stderr:\n" + s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "";
        }
    }
}
