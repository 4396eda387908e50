package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first seed's example: seven children each run a CPU-bound function, the parent starts
 * them all, then waits for each. What is asserted is what the seed claims: the seven run at
 * once (all are running once the last has started). Timings are printed, never asserted (the
 * machine is shared).
 */
class SevenChildrenTest {
    static final int NUM_PROCESSES = 7;
    static final long ITERATIONS = 200_000_000L;

    /** The seed's {@code timeConsumingFunction}, made so that the JIT cannot fold the loop away. */
    static long timeConsumingFunction() {
        long x = 1;
        for (long n = 0; n < ITERATIONS; n++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void seven_cpu_bound_children_run_in_parallel_and_are_joined() throws Exception {
        long expected = timeConsumingFunction();
        long serialStart = System.nanoTime();
        timeConsumingFunction();
        long oneInProcess = System.nanoTime() - serialStart;

        long start = System.nanoTime();
        List<JvmProcess<Long>> children = new ArrayList<>();
        for (int i = 0; i < NUM_PROCESSES; i++) {
            children.add(JvmProcess.builder().name("worker-" + i).start(SevenChildrenTest::timeConsumingFunction));
        }
        List<Long> notRunning = children.stream().map(JvmProcess::pid).filter(pid -> !ProcessEntry.isRunning(pid))
                .toList();
        assertEquals(List.of(), notRunning, "children that ended before the last one started");
        for (JvmProcess<Long> child : children) {
            assertEquals(ExitStatus.exited(0), child.join());
            assertEquals(expected, child.result());
        }
        long parallel = System.nanoTime() - start;
        System.err.printf("seven children: %d ms in parallel; one run in this JVM %d ms, so %d ms serially"
                        + " (%d cores)%n", parallel / 1_000_000, oneInProcess / 1_000_000,
                NUM_PROCESSES * oneInProcess / 1_000_000, Runtime.getRuntime().availableProcessors());
    }
}
