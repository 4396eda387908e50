package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child started and waited for, its default pipes never touched, keeps no fd: the pipes
 * nobody took are closed when it is reaped (stdin at once, stdout and stderr after what they
 * hold is read and kept), as the JDK's {@code Process} does. Before, they stayed open until
 * the garbage collector found the handle: EMFILE after a few hundred children in a large heap.
 */
class UntouchedPipesTest {

    @Test
    @Timeout(600)
    void threeThousandStartAndWait_withUntouchedPipes_keepNoFds_andTheOutputStaysReadable() throws Exception {
        Procs.warmUp();
        List<Subprocess> held = new ArrayList<>(); // all reachable: no garbage collection can close anything
        int before = Procs.openFdCount();
        for (int i = 0; i < 3000; i++) {
            Subprocess p = Command.of("sh", "-c", "echo out" + i + "; echo err" + i + " >&2").start();
            p.waitFor();
            held.add(p);
        }
        int growth = Procs.openFdCount() - before;
        assertTrue(growth <= 8, "3,000 children started and waited for hold " + growth + " more fds");
        for (int i : new int[] {0, 1, 1500, 2999}) {
            Subprocess p = held.get(i);
            assertEquals("out" + i + "\n", Procs.readAll(p.stdout()));
            assertEquals("err" + i + "\n", Procs.readAll(p.stderr()));
        }
    }

    @Test
    void whatWasKept_isReadByEveryReader() throws Exception {
        Subprocess forCommunicate = Command.of("sh", "-c", "echo one; echo two >&2; exit 4").start();
        forCommunicate.waitFor();
        CompletedProcess r = forCommunicate.communicate();
        assertEquals("one\n", r.stdoutText());
        assertEquals("two\n", r.stderrText());
        assertEquals(ExitStatus.exited(4), r.exitStatus());

        Subprocess forLines = Command.of("printf", "a\\nb\\n").start();
        forLines.waitFor();
        try (Stream<String> lines = forLines.stdoutLines()) {
            assertEquals(List.of("a", "b"), lines.toList());
        }

        Subprocess forAvailable = Command.of("printf", "12345").start();
        forAvailable.waitFor();
        assertEquals(5, forAvailable.stdout().available());
        assertEquals("12345", new String(forAvailable.stdout().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void stdinNobodyTook_isClosedAtTheEnd_andWritingThenFails() throws Exception {
        Subprocess p = Command.of("true").start();
        p.waitFor();
        IOException e = assertThrows(IOException.class, () -> p.stdin().write('x'));
        assertEquals("Stream closed", e.getMessage());
        assertEquals(0, p.communicate("dropped: the child is gone".getBytes(StandardCharsets.UTF_8))
                .stdoutSize());
    }

    @Test
    @Timeout(300)
    void takingAStreamWhileTheChildEnds_neverLosesOutput_500Times() throws Exception {
        for (int i = 0; i < 500; i++) {
            Subprocess p = Command.of("echo", "x" + i).start();
            String out = switch (i % 4) {
                case 0 -> Procs.readAll(p.stdout());
                case 1 -> String.join("\n", p.stdoutLines().toList()) + "\n";
                case 2 -> p.communicate().stdoutText();
                default -> {
                    p.waitFor(); // the child is reaped first: the kept output is read
                    yield new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
                }
            };
            assertEquals("x" + i + "\n", out, "round " + i);
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
    }

    @Test
    void aStreamTakenBeforeTheEnd_isTheCallersAndStaysOpen() throws Exception {
        Subprocess p = Command.of("sh", "-c", "echo early").start();
        var out = p.stdout();
        p.waitFor();
        assertEquals("early\n", Procs.readAll(out));
        assertThrows(IOException.class, out::read, "closed by the caller, not before");
    }
}
