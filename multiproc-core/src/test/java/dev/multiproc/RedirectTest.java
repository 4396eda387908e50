package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child's stdin, stdout and stderr must never be connected anywhere but where the redirect says. */
class RedirectTest {
    private static final String INTERLEAVED = "echo 1; echo 2 >&2; echo 3; echo 4 >&2";

    @TempDir
    Path tmp;

    @Test
    void pipe_isTheDefaultForAllThree() throws Exception {
        Subprocess p = Command.of("sh", "-c", "cat; echo to-err >&2").start();
        try (OutputStream in = p.stdin()) {
            in.write("to-out\n".getBytes(StandardCharsets.UTF_8));
        }

        assertEquals("to-out\n", Procs.readAll(p.stdout()));
        assertEquals("to-err\n", Procs.readAll(p.stderr()));
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void pipe_carriesMegabytesBothWaysWithoutDeadlock() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(42).nextBytes(data);
        Subprocess p = Command.of("cat").stderr(Redirect.DISCARD).start();

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream in = p.stdin()) {
                in.write(data);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = p.stdout().readAllBytes();
        writer.join();

        assertArrayEquals(data, back);
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void inherit_sharesThisJvmsFds() throws Exception {
        Subprocess p = Command.of("sleep", "60")
                .stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT).start();
        try {
            Map<Integer, String> mine = Procs.fdTargets(Procs.self());
            Map<Integer, String> childs = Procs.fdTargets(p.pid());
            for (int fd = 0; fd <= 2; fd++) {
                assertEquals(mine.get(fd), childs.get(fd), "fd " + fd);
            }
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void discard_isDevNullForAllThree() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            Map<Integer, String> fds = Procs.fdTargets(p.pid());
            for (int fd = 0; fd <= 2; fd++) {
                assertEquals("/dev/null", fds.get(fd), "fd " + fd);
            }
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void discard_stdinReadsAsEmpty() throws Exception {
        Subprocess p = Command.of("cat").stdin(Redirect.DISCARD).start();

        assertEquals("", Procs.readAll(p.stdout()));
        assertEquals(ExitStatus.exited(0), p.waitFor());
        p.close();
    }

    @Test
    void to_createsMissingFile() throws Exception {
        Path file = tmp.resolve("new.txt");

        run(Command.of("echo", "new").stdout(Redirect.to(file)));

        assertEquals("new\n", Files.readString(file));
    }

    @Test
    void to_truncatesExistingFile() throws Exception {
        Path file = tmp.resolve("out.txt");
        Files.writeString(file, "old content, much longer than what comes\n");

        run(Command.of("echo", "new").stdout(Redirect.to(file)));

        assertEquals("new\n", Files.readString(file));
    }

    @Test
    void appendTo_appendsToExistingFile() throws Exception {
        Path file = tmp.resolve("log.txt");
        Files.writeString(file, "old\n");

        run(Command.of("echo", "new").stdout(Redirect.appendTo(file)));
        run(Command.of("sh", "-c", "echo err >&2").stderr(Redirect.appendTo(file)));

        assertEquals("old\nnew\nerr\n", Files.readString(file));
    }

    @Test
    void appendTo_createsMissingFile() throws Exception {
        Path file = tmp.resolve("fresh.log");

        run(Command.of("echo", "first").stdout(Redirect.appendTo(file)));

        assertEquals("first\n", Files.readString(file));
    }

    @Test
    void from_readsFile() throws Exception {
        Path file = tmp.resolve("in.txt");
        Files.writeString(file, "line one\nline two ✓\n");

        try (Subprocess p = Command.of("cat").stdin(Redirect.from(file)).start()) {
            assertEquals("line one\nline two ✓\n", Procs.readAll(p.stdout()));
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
    }

    @Test
    void toStdout_keepsOrderInPipe() throws Exception {
        Subprocess p = Command.of("sh", "-c", INTERLEAVED).stdin(Redirect.DISCARD).stderr(Redirect.TO_STDOUT).start();

        assertEquals("1\n2\n3\n4\n", Procs.readAll(p.stdout()));
        assertEquals(ExitStatus.exited(0), p.waitFor());
    }

    @Test
    void toStdout_followsStdoutIntoFile() throws Exception {
        Path file = tmp.resolve("both.txt");

        run(Command.of("sh", "-c", INTERLEAVED).stdout(Redirect.to(file)).stderr(Redirect.TO_STDOUT));

        assertEquals("1\n2\n3\n4\n", Files.readString(file));
    }

    @Test
    void toStdout_followsInheritedStdout() throws Exception {
        Subprocess p = Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.INHERIT)
                .stderr(Redirect.TO_STDOUT).start();
        try {
            assertEquals(Procs.fdTargets(Procs.self()).get(1), Procs.fdTargets(p.pid()).get(2));
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void toStdout_followsDiscardedStdout() throws Exception {
        Subprocess p = Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.TO_STDOUT).start();
        try {
            assertEquals("/dev/null", Procs.fdTargets(p.pid()).get(2));
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void streams_refuseWhenNotAPipe() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, p::stdout);
            assertTrue(e.getMessage().contains("DISCARD"), e::getMessage);
            assertThrows(IllegalStateException.class, p::stdin);
            assertThrows(IllegalStateException.class, p::stderr);
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    /** Runs {@code command} to its end with whatever is still a pipe discarded; asserts success. */
    private static void run(Command command) throws Exception {
        try (Subprocess p = command.start()) {
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
    }
}
