package dev.multiproc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.ProcessPool;
import dev.multiproc.WorkerDiedException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code ProcessPool} examples shown in the README, run by the build. Keep the code between
 * the {@code // README} markers as the README shows it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolExamplesTest {

    @Test
    void map() throws Exception {
        // README: pool-map
        List<Integer> inputs = IntStream.rangeClosed(1, 10_000).boxed().toList();
        List<Integer> squares;
        try (ProcessPool pool = ProcessPool.builder().workers(4).build()) {
            squares = pool.map(x -> x * x, inputs);                     // one task per input, results in order
            List<Integer> same = pool.map(x -> x * x, inputs, 1_000);   // 1,000 inputs per task: far fewer messages
            System.out.println(squares.getLast() + " " + squares.equals(same)); // 100000000 true
        }
        // README: end
        assertEquals(100_000_000, squares.getLast());
    }

    @Test
    void submit_in_a_completable_future_chain() throws Exception {
        // README: pool-chain
        String report;
        try (ProcessPool pool = ProcessPool.builder().build()) {
            report = pool.submit(() -> LongStream.range(0, 50_000_000).sum())        // runs in a worker
                    .thenCombine(pool.submit(() -> Runtime.version().feature()),     // meanwhile, in another
                            (sum, java) -> "sum " + sum + " on Java " + java)
                    .thenCompose(text -> pool.submit(() -> text + ", checked by " + ProcessHandle.current().pid()))
                    .join();
        }
        System.out.println(report);
        // README: end
        assertTrue(report.startsWith("sum 1249999975000000 on Java 25, checked by "), report);
    }

    @Test
    void a_crashed_task_leaves_the_pool_serving() throws Exception {
        // README: pool-crash
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            CompletableFuture<Integer> crash = pool.submit(() -> {
                System.exit(3);                                  // or SIGKILL, OutOfMemoryError, a JVM crash
                return 0;
            });
            List<CompletableFuture<Integer>> others = IntStream.range(0, 100)
                    .mapToObj(i -> pool.submit(() -> i * 2)).toList();
            try {
                crash.get();
            } catch (ExecutionException e) {
                WorkerDiedException died = (WorkerDiedException) e.getCause();
                System.out.println(died.exitStatus().orElseThrow()); // exit 3: only this task failed
            }
            System.out.println(others.getLast().join());            // 198: a new worker took over
            System.out.println(pool.submit(() -> "still serving").join());
        }
        // README: end
    }
}
