package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run() must capture, time out by killing the whole tree, and never hang on a pipe held by a grandchild. */
class RunTest {
    /** Slack on top of timeout + grace for a loaded two-core machine: returning at all is the point. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void run_capturesBothOutputsAndStatus() throws Exception {
        CompletedProcess r = Command.of("sh", "-c", "echo out; echo err >&2; exit 4").run();
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
        assertEquals(ExitStatus.exited(4), r.exitStatus());
        assertEquals(List.of("sh", "-c", "echo out; echo err >&2; exit 4"), r.argv());
    }

    @Test
    void run_feedsInputAndClosesStdin() throws Exception {
        assertEquals("HELLO\n", Command.of("tr", "a-z", "A-Z").input("hello\n").run().stdoutText());
        assertEquals("3\n", Command.of("wc", "-c").input(new byte[] {1, 2, 3}).run().stdoutText().strip() + "\n");
        // Without input, stdin is closed at once: cat ends instead of waiting.
        assertEquals("", Command.of("cat").run().stdoutText());
    }

    @Test
    void run_leavesRedirectedStreamsAlone() throws Exception {
        Path out = dir.resolve("out");
        CompletedProcess r = Command.of("sh", "-c", "echo to-file; echo to-pipe >&2").stdout(Redirect.to(out)).run();
        assertEquals("to-file\n", Files.readString(out));
        assertEquals("to-pipe\n", r.stderrText());
        assertEquals("", r.stdoutText());
    }

    @Test
    void check_returnsOnSuccessAndThrowsWithStatusArgvAndStderrTail() throws Exception {
        CompletedProcess ok = Command.of("true").run();
        assertEquals(ok, ok.check());
        ProcessFailedException e = assertThrows(ProcessFailedException.class,
                () -> Command.of("sh", "-c", "echo something broke >&2; exit 3").run().check());
        assertEquals(ExitStatus.exited(3), e.exitStatus());
        assertEquals("sh", e.argv().getFirst());
        assertTrue(e.getMessage().contains("something broke"), e.getMessage());
        assertTrue(e.getMessage().contains("exit 3"), e.getMessage());

        ProcessFailedException signaled = assertThrows(ProcessFailedException.class,
                () -> Command.of("sh", "-c", "kill -KILL $$").run().check());
        assertEquals(-9, signaled.exitStatus().returncode());
    }

    @Test
    void check_quotesOnlyTheTailOfALongStderr() throws Exception {
        ProcessFailedException e = assertThrows(ProcessFailedException.class, () -> Command.of("sh", "-c",
                "head -c 100000 /dev/zero | tr '\\0' a >&2; echo THE-END >&2; exit 1").run().check());
        assertTrue(e.stderrTail().endsWith("THE-END\n"));
        assertTrue(e.stderrTail().length() < 5000, "only the tail is quoted");
    }

    @Test
    void timeout_killsTheTreeAndCarriesPartialOutput() throws Exception {
        long start = System.nanoTime();
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class, () -> Command.of("sh", "-c",
                        "echo $$; sleep 100 & echo $!; echo partial >&2; exec sleep 100")
                .timeout(Duration.ofMillis(500)).timeoutGrace(Duration.ofMillis(500)).run());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(1).plus(SLACK)) < 0, "took " + took);
        String[] pids = e.stdoutText().split("\n");
        assertEquals(2, pids.length, e.stdoutText());
        assertEquals("partial\n", e.stderrText());
        for (String pid : pids) {
            assertFalse(ProcessEntry.isRunning(Long.parseLong(pid)), "process " + pid + " survived the timeout");
        }
    }

    @Test
    void timeout_returnsEvenWhenAGrandchildHoldsStdoutAfterTheChildExited() throws Exception {
        // The shell exits at once; its background sleep keeps stdout open for 100 s.
        long start = System.nanoTime();
        CompletedProcess r = Command.of("sh", "-c", "sleep 100 & echo $!")
                .timeout(Duration.ofSeconds(20)).run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(SLACK) < 0, "took " + took);
        assertEquals(ExitStatus.exited(0), r.exitStatus());
        long grandchild = Long.parseLong(r.stdoutText().strip());
        assertTrue(ProcessEntry.isRunning(grandchild), "no timeout passed, so nothing was killed");
        Multiproc.killTree(grandchild, Duration.ZERO);
    }

    @Test
    void timeout_killsAGrandchildThatHoldsStdoutAfterTheChildExited() throws Exception {
        // At the deadline the shell is long gone; the grandchild holds the pipe and must die.
        long start = System.nanoTime();
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class, () -> Command.of("sh", "-c",
                        "(sleep 100; echo never) & echo $!; exec sleep 100 >/dev/null")
                .timeout(Duration.ofMillis(400)).timeoutGrace(Duration.ofMillis(200)).run());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(600).plus(SLACK)) < 0, "took " + took);
        long holder = Long.parseLong(e.stdoutText().strip());
        assertTrue(Procs.poll(Duration.ofSeconds(5), () -> !ProcessEntry.isRunning(holder)),
                "the subshell holding stdout survived");
    }

    @Test
    void withoutTimeout_aGrandchildHoldingStdoutDoesNotHoldUpRun() throws Exception {
        long start = System.nanoTime();
        CompletedProcess r = Command.of("sh", "-c", "sleep 100 & echo hi $!").run();
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(SLACK) < 0);
        String[] words = r.stdoutText().strip().split(" ");
        assertEquals("hi", words[0]);
        Multiproc.killTree(Long.parseLong(words[1]), Duration.ZERO);
    }

    @Test
    void timeoutSignal_isSentFirst() throws Exception {
        Path seen = dir.resolve("seen");
        assertThrows(TimeoutExpiredException.class, () -> Command.of("sh", "-c",
                        "trap 'echo INT > \"$1\"; exit 0' INT; trap 'echo TERM > \"$1\"; exit 0' TERM; "
                                + "while :; do sleep 0.05; done", "sh", seen.toString())
                .timeout(Duration.ofMillis(300)).timeoutSignal(Signal.SIGINT).run());
        assertEquals("INT", Files.readString(seen).strip());
    }

    @Test
    void interrupt_killsTheChildTree() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Path pidFile = dir.resolve("pid");
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                Command.of("sh", "-c", "echo $$ > \"$1\"; exec sleep 100", "sh", pidFile.toString()).run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertTrue(Procs.poll(Duration.ofSeconds(10), () -> Files.exists(pidFile) && size(pidFile) > 0));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        runner.interrupt();
        runner.join(10_000);
        assertFalse(runner.isAlive());
        assertTrue(failure.get() instanceof InterruptedException
                || failure.get() instanceof java.io.InterruptedIOException, String.valueOf(failure.get()));
        assertTrue(Procs.poll(Duration.ofSeconds(5), () -> !ProcessEntry.isRunning(pid)));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
