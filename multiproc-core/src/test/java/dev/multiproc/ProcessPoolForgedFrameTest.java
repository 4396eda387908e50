package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.StrayFrames;
import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A frame a task writes onto its worker's channel is never taken for an answer: the task's job
 * fails with an error that says the channel was corrupted, its worker is replaced, and every
 * other job gets its own result.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessPoolForgedFrameTest {
    private static final long PATIENCE_SECONDS = Procs.PATIENCE.toSeconds();

    private static void assertCorrupted(Throwable failure) {
        WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failure);
        assertTrue(died.getMessage().contains("corrupted"), died.getMessage());
    }

    /** Six tasks on one worker, the first of which writes {@code stray} before it returns. */
    private static void oneStrayFrame(ProcessPool pool, byte[] stray) throws Exception {
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        tasks.add(pool.submit(() -> {
            StrayFrames.write(stray);
            return 1;
        }));
        for (int i = 2; i <= 6; i++) {
            int k = i;
            tasks.add(pool.submit(() -> k));
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tasks.getFirst().get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertCorrupted(e.getCause());
        for (int i = 1; i < tasks.size(); i++) {
            assertEquals(i + 1, tasks.get(i).get(PATIENCE_SECONDS, TimeUnit.SECONDS), "task " + (i + 1));
        }
    }

    @Test
    void aWholeFrameWrittenByATask_failsThatTaskOnly_andThePoolGoesOn() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            for (int round = 0; round < 3; round++) {
                oneStrayFrame(pool, StrayFrames.resultFrame(999, null));
                // the same frame with a job's number where an answer carries it: still not an answer
                oneStrayFrame(pool, StrayFrames.resultFrame(999, round));
                oneStrayFrame(pool, StrayFrames.resultFrame(999, 0));
            }
            List<Integer> inputs = IntStream.rangeClosed(1, 100).boxed().toList();
            assertEquals(inputs, pool.map(x -> x, inputs));
        }
    }

    @Test
    void aMapElementThatWritesAFrame_failsWithTheCorruptedChannel_andTheOthersAreRight() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            List<Integer> inputs = IntStream.rangeClosed(1, 200).boxed().toList();
            for (int chunk : new int[] {1, 10}) {
                List<Object> seen = new ArrayList<>();
                try (var results = pool.mapUnordered(x -> {
                    if (x == 50) {
                        StrayFrames.write(StrayFrames.resultFrame(999, null));
                    }
                    return x;
                }, inputs, chunk)) {
                    var it = results.iterator();
                    while (true) {
                        try {
                            if (!it.hasNext()) {
                                break;
                            }
                            seen.add(it.next());
                        } catch (WorkerDiedException e) { // from hasNext, which reads ahead
                            assertCorrupted(e);
                            seen.add("failed");
                        }
                    }
                }
                assertEquals(inputs.size(), seen.size(), "chunk " + chunk + ": " + seen);
                assertTrue(seen.contains("failed"), "chunk " + chunk + ": no element failed");
                assertTrue(!seen.contains(999), "chunk " + chunk + ": the stray frame was taken for a result");
                assertTrue(!seen.contains(50), "chunk " + chunk + ": 50 was delivered after its frame was corrupted");
                for (Object v : seen) {
                    assertTrue(v.equals("failed") || inputs.contains(v), "chunk " + chunk + ": " + v);
                }
                assertEquals(seen.stream().filter(v -> !v.equals("failed")).distinct().count(),
                        seen.stream().filter(v -> !v.equals("failed")).count(), "chunk " + chunk + ": a duplicate");
            }
            assertEquals(inputs, pool.map(x -> x, inputs, 7));
        }
    }
}
