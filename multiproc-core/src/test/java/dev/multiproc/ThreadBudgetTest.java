package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.ThreadBudgetMain;
import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commands must cost the library one platform thread in all (the event thread; spawns run on
 * the caller's thread), however many there are, counting every platform thread of a fresh
 * JVM: carriers of virtual threads too.
 */
class ThreadBudgetTest {
    @Test
    void threeHundredLiveCommands_addOnePlatformThreadInAll() throws Exception {
        CompletedProcess r = Procs.java(List.of(), ThreadBudgetMain.class, "300").timeout(Duration.ofSeconds(60))
                .run().check();
        String[] counts = r.stdoutText().strip().split(" ");
        int before = Integer.parseInt(counts[0]);
        int with = Integer.parseInt(counts[1]);
        int after = Integer.parseInt(counts[2]);
        assertTrue(with - before <= 1, "300 live commands added " + (with - before) + " platform threads");
        assertTrue(after - before <= 1, "after they ended: " + (after - before) + " threads added");
    }
}
