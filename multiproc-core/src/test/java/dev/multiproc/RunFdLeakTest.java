package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** run() must leave no fd, thread or process behind, however many times it is called. */
class RunFdLeakTest {

    @Test
    @Timeout(180)
    void twoThousandRuns_leaveNothingBehind() throws Exception {
        Command echo = Command.of("sh", "-c", "echo out; echo err >&2").input("in");
        echo.run(); // start the engine before counting
        long fds = Procs.openFdCount();
        int threads = Procs.liveThreads().size();
        for (int i = 0; i < 2000; i++) {
            CompletedProcess r = echo.run();
            assertEquals("out\n", r.stdoutText());
        }
        assertEquals(fds, Procs.openFdCount(), "fds leaked by run()");
        assertTrue(Procs.liveThreads().size() <= threads + 2, "threads leaked by run()");
        assertTrue(Procs.poll(Duration.ofSeconds(5), () -> Procs.children().isEmpty()),
                "children left: " + Procs.children());
    }
}
