package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.StrayFrames;
import dev.multiproc.testing.Procs;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker that announces a frame of 1 GiB and sends nothing of it costs this JVM nothing: the
 * job fails, and the heap in use after a collection grew by less than 64 MiB.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolOversizedFrameTest {
    private static final long PATIENCE_SECONDS = Procs.PATIENCE.toSeconds();
    private static final long MAX_GROWTH = 64L << 20;
    private static final int ONE_GIB = 1 << 30;

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void announcing1GiB_failsTheJob_andCostsNoHeap(byte[] header) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            assertEquals(1, pool.submit(() -> 1).get(PATIENCE_SECONDS, TimeUnit.SECONDS));
            long before = usedHeapAfterGc();
            CompletableFuture<Integer> f = pool.submit(() -> {
                StrayFrames.write(header);
                return 2;
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertTrue(died.getMessage().contains("corrupted"), died.getMessage());
            long growth = usedHeapAfterGc() - before;
            assertTrue(growth < MAX_GROWTH, "the heap in use grew by " + (growth >> 20) + " MiB");
            assertEquals(3, pool.submit(() -> 3).get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHeaderOfTypeAndLength_announcing1GiB() throws Exception {
        announcing1GiB_failsTheJob_andCostsNoHeap(StrayFrames.resultHeader(ONE_GIB, null));
    }

    @Test
    void aHeaderWithAJobNumber_announcing1GiB() throws Exception {
        announcing1GiB_failsTheJob_andCostsNoHeap(StrayFrames.resultHeader(ONE_GIB, 1));
    }
}
