package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
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
    private static final List<String> HEADER = List.of("PID", "PPID", "PGID", "SID", "STATE", "COMMAND");

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
