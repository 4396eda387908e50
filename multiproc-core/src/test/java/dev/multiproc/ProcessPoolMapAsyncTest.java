package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code mapAsync}: map's results as a future, its failures as the future's, cancellation reaching the pool. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolMapAsyncTest {
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("mapAsync").workers(2).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void theFuture_completesWithTheResultsInOrder() throws Exception {
        List<Integer> inputs = IntStream.range(0, 3_000).boxed().toList();
        List<Integer> expected = inputs.stream().map(x -> x + 1).toList();
        for (int round = 0; round < 20; round++) {
            CompletableFuture<List<Integer>> plain = pool.mapAsync(x -> x + 1, inputs);
            CompletableFuture<List<Integer>> chunked = pool.mapAsync(x -> x + 1, inputs, 100);
            assertEquals(expected, plain.get());
            assertEquals(expected, chunked.get());
        }
        assertEquals(List.of(), pool.mapAsync(x -> x, List.of()).get());
        assertEquals(6, pool.mapAsync(x -> x * 2, List.of(1, 2)).thenApply(l -> l.get(0) + l.get(1)).get());
    }

    @Test
    void aFailure_failsTheFuture_withTheLowestIndexsException() {
        CompletableFuture<List<Integer>> f = pool.mapAsync(ProcessPoolMapAsyncTest::failAbove, List.of(1, 2, 7, 9, 8));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals("too big: 7", e.getCause().getMessage());
    }

    @Test
    void cancelling_reachesThePool(@TempDir Path dir) throws Exception {
        String marks = dir.toString();
        List<Integer> inputs = IntStream.range(0, 100).boxed().toList();
        CompletableFuture<List<Integer>> f = pool.mapAsync(x -> mark(marks, x), inputs);
        dev.multiproc.testing.Procs.await("a first input runs", () -> count(dir) > 0);
        assertTrue(f.cancel(false));
        assertThrows(CancellationException.class, f::get);
        pool.map(x -> x, List.of(1, 2, 3, 4));
        assertTrue(count(dir) < 100, count(dir) + " of 100 inputs ran though the call was cancelled");
    }

    @Test
    void badInput_isNamed() {
        IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class,
                () -> pool.mapAsync(x -> x, List.of(1), 0));
        assertTrue(chunk.getMessage().contains("chunkSize must be at least 1: 0"), chunk.getMessage());
        IllegalArgumentException element = assertThrows(IllegalArgumentException.class,
                () -> pool.mapAsync(x -> x, List.of(1, new Object())));
        assertTrue(element.getMessage().contains("element 1"), element.getMessage());
        assertThrows(NullPointerException.class, () -> pool.mapAsync(x -> x, null));
        ProcessPool closed = ProcessPool.builder().workers(1).build();
        closed.close();
        assertThrows(RejectedExecutionException.class, () -> closed.mapAsync(x -> x, List.of(1)));
    }

    private static int failAbove(int x) {
        if (x > 5) {
            throw new IllegalArgumentException("too big: " + x);
        }
        return x;
    }

    private static int mark(String dir, int x) {
        try {
            Files.writeString(Path.of(dir, "ran-" + x), "");
            Thread.sleep(300);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return x;
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
