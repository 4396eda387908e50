package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.testing.Procs;
import dev.multiproc.pooltesting.PoolParentMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No worker outlives a parent JVM that was SIGKILLed while its pool was busy. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolLifelineTest {
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        JvmTesting.killAll(pids);
    }

    @Test
    void workers_halt_afterTheirParentsSigkill() throws Exception {
        Subprocess parent = JvmTesting.javaCommand(PoolParentMain.class).stdout(Redirect.PIPE).start();
        List<Long> workers = new JvmTesting.Lines(parent).childPids();
        pids.addAll(workers);
        assertEquals(2, workers.size());
        assertTrue(workers.stream().allMatch(JvmTesting::running));
        parent.kill();
        parent.waitFor();
        long start = System.nanoTime();
        assertTrue(JvmTesting.awaitGone(workers, Procs.PATIENCE.toMillis()), "workers still running after the parent's SIGKILL: " + workers);
        System.err.println("workers gone " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms after the parent's SIGKILL");
    }
}
