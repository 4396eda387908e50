package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spawning must never leak an fd or a thread, and the library's threads must never grow with the number of children. */
class LeaksTest {

    @BeforeAll
    static void warmUp() throws Exception {
        Procs.warmUp();
    }

    @Test
    @Timeout(240)
    void spawns_2000WithAllThreePipesLeaveNothingBehind() throws Exception {
        Footprint before = Footprint.take();

        for (int i = 0; i < 2000; i++) {
            Subprocess p = Command.of("sh", "-c", "cat; echo err >&2").start();
            try (OutputStream in = p.stdin()) {
                in.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("line " + i + "\n", Procs.readAll(p.stdout()));
            assertEquals("err\n", Procs.readAll(p.stderr()));
            assertEquals(ExitStatus.exited(0), p.waitFor());
            p.close();
        }

        before.assertNothingLeftBehind("2,000 spawns");
    }

    @Test
    @Timeout(120)
    void failedStarts_500LeaveNothingBehind() throws Exception {
        Footprint before = Footprint.take();

        for (int i = 0; i < 500; i++) {
            try {
                Command.of("no-such-program-" + i).start();
                throw new AssertionError("started a program that does not exist");
            } catch (ProcessStartException expected) {
                // the point is what it leaves behind
            }
        }

        before.assertNothingLeftBehind("500 failed starts");
    }

    @Test
    @Timeout(120)
    void threads_sameWith300LiveChildrenAsWithNone() throws Exception {
        Set<Thread> before = Footprint.take().threads();
        List<Subprocess> live = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                live.add(Procs.sleeper());
            }

            Set<Thread> added = new HashSet<>(Footprint.take().threads());
            added.removeAll(before);
            assertEquals(Set.of(), added, "threads started while 300 children live");
        } finally {
            for (Subprocess p : live) {
                p.kill();
            }
            for (Subprocess p : live) {
                p.waitFor();
            }
        }
    }

    @Test
    void pipes_closedByCloseEvenIfNeverRead() throws IOException, InterruptedException {
        Footprint before = Footprint.take();

        for (int i = 0; i < 200; i++) {
            try (Subprocess p = Command.of("echo", "unread").start()) {
                p.pid();
            }
        }

        before.assertNothingLeftBehind("200 children whose pipes were closed unread");
    }
}
