package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** run() must leave no fd, thread or process behind, however many times it is called; nor may a dropped Subprocess. */
class RunFdLeakTest {

    @Test
    @Timeout(180)
    void twoThousandRuns_leaveNothingBehind() throws Exception {
        Command echo = Command.of("sh", "-c", "echo out; echo err >&2").input("in");
        Procs.warmUp();
        echo.run();
        Footprint before = Footprint.take();
        for (int i = 0; i < 2000; i++) {
            CompletedProcess r = echo.run();
            assertEquals("out\n", r.stdoutText());
        }
        before.assertNothingLeftBehind("2,000 run() calls");
    }

    @Test
    void droppedSubprocesses_haveTheirPipesClosedOnceUnreachable() throws Exception {
        Command.of("true").run();
        long fds = Procs.openFdCount();
        for (int i = 0; i < 200; i++) {
            // The child waits for a line, so the streams are taken before it can end (a pipe nobody
            // took is closed when its child is reaped): three pipe ends, never closed by the caller.
            Subprocess p = Command.of("sh", "-c", "read line").start();
            java.io.OutputStream in = p.stdin();
            p.stdout();
            p.stderr();
            in.write('\n');
            in.flush();
            p.waitFor();
        }
        assertTrue(Procs.openFdCount() >= fds + 300, "the test must really hold pipes open");
        assertTrue(Procs.poll(Duration.ofSeconds(20), () -> {
            System.gc();
            return Procs.openFdCount() <= fds;
        }), "dropped pipes still open: " + (Procs.openFdCount() - fds));
    }
}
