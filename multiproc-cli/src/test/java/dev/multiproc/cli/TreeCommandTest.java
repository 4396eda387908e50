package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.Multiproc;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code multiproc tree} must never leave out a process under its root or show one in the wrong place. */
class TreeCommandTest {
    private static final List<String> HEADER = List.of("PID", "PPID", "PGID", "SID", "STATE", "MULTIPROC", "COMMAND");

    @Test
    void tree_defaultsToParentAndShowsThisJvmUnderIt() {
        long self = ProcessHandle.current().pid();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();

        Output out = tree();

        assertEquals(0, out.code());
        List<String> lines = out.stdout().lines().toList();
        assertEquals(HEADER, List.of(lines.getFirst().split("\\s+")));
        assertEquals(Long.toString(parent), fields(lines.get(1))[0], "the root is the parent");
        String mine = line(lines, self).orElseThrow(() -> new AssertionError("no line for " + self + ":\n" + out));
        String[] f = fields(mine);
        assertEquals(Long.toString(parent), f[1], "ppid");
        assertTrue(f[4].matches("[RSDTtZIXWP]"), "a state letter: " + mine);
        assertTrue(mine.contains("─ "), "drawn as a child: " + mine);
        assertTrue(mine.contains("java"), "with its command line: " + mine);
    }

    @Test
    void tree_ofGivenPidShowsChildrenIndentedUnderIt() throws Exception {
        Subprocess p = Command.of("sh", "-c", "sleep 60 & echo $!; wait")
                .stdin(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        try {
            long sleeper = Long.parseLong(new BufferedReader(
                    new InputStreamReader(p.stdout(), StandardCharsets.UTF_8)).readLine());

            Output out = tree(Long.toString(p.pid()));

            assertEquals(0, out.code());
            List<String> lines = out.stdout().lines().toList();
            assertEquals(3, lines.size(), out.stdout());
            assertEquals(Long.toString(p.pid()), fields(lines.get(1))[0]);
            String[] child = fields(lines.get(2));
            assertEquals(Long.toString(sleeper), child[0]);
            assertEquals(Long.toString(p.pid()), child[1]);
            assertTrue(lines.get(2).contains("└─ sleep 60"), lines.get(2));
        } finally {
            p.killTree(java.time.Duration.ZERO);
        }
    }

    @Test
    void tree_namesMultiprocChildrenWithKindAndDaemonFlag_andMarksZombies() throws Exception {
        long self = ProcessHandle.current().pid();
        // The shell becomes "sleep 60", which never reaps the short sleep it inherited: a zombie.
        Subprocess daemon = Command.of("sh", "-c", "sleep 0.1 & exec sleep 60").stdout(Redirect.DISCARD).start();
        Subprocess plain = Command.of("sleep", "61").daemon(false).stdout(Redirect.DISCARD).start();
        try {
            assertTrue(poll(() -> Multiproc.activeChildren(self).size() >= 2), "this JVM publishes its children");
            assertTrue(poll(() -> Procs.hasZombieChild(daemon.pid())), "the short sleep is a zombie by now");
            Output out = tree(Long.toString(self));
            List<String> lines = out.stdout().lines().toList();
            String d = line(lines, daemon.pid()).orElseThrow(() -> new AssertionError(out.stdout()));
            assertTrue(d.contains("command, daemon"), d);
            String p = line(lines, plain.pid()).orElseThrow(() -> new AssertionError(out.stdout()));
            assertTrue(p.contains(" command ") && !p.contains("daemon"), p);
            String zombie = lines.stream()
                    .filter(l -> l.contains("<defunct>") && fields(l)[1].equals(Long.toString(daemon.pid())))
                    .findFirst().orElseThrow(() -> new AssertionError("no zombie marked under " + daemon.pid()
                            + ":\n" + out.stdout()));
            assertEquals("Z", fields(zombie)[4], zombie);
        } finally {
            daemon.killTree(java.time.Duration.ZERO);
            plain.kill();
        }
    }

    private static boolean poll(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** What the test looks for in {@code /proc}. */
    private static final class Procs {
        static boolean hasZombieChild(long pid) {
            return dev.multiproc.ProcessEntry.snapshot().stream().anyMatch(e -> e.ppid() == pid && e.zombie());
        }
    }

    @Test
    void tree_ofMissingPidFails() {
        Output out = tree("999999999");

        assertEquals(1, out.code());
        assertTrue(out.stderr().contains("999999999"), out.stderr());
    }

    private record Output(int code, String stdout, String stderr) {}

    private static synchronized Output tree(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            String[] argv = new String[args.length + 1];
            argv[0] = "tree";
            System.arraycopy(args, 0, argv, 1, args.length);
            int code = Main.commandLine().execute(argv);
            return new Output(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String[] fields(String line) {
        return line.strip().split("\\s+");
    }

    private static Optional<String> line(List<String> lines, long pid) {
        return lines.stream().skip(1).filter(l -> fields(l)[0].equals(Long.toString(pid))).findFirst();
    }
}
