package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.pooltesting.UnsendableException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Values and exceptions come back through every entry point of a pool. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolResultTest {
    private static ProcessPool pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("results").workers(2).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void submit_task_returnsItsValue() throws Exception {
        int n = 21;
        assertEquals(42, pool.submit(() -> n * 2).get());
    }

    @Test
    void submit_task_runsInAWorkerNamedAfterThePool() throws Exception {
        String thread = pool.submit(() -> Thread.currentThread().getName()).get();
        assertTrue(thread.startsWith("results-worker-"), thread);
        long pid = pool.submit(PoolTasks::pid).get();
        assertTrue(pool.workerPids().contains(pid), pid + " in " + pool.workerPids());
    }

    @Test
    void submit_task_exception_isTheTasksOwn_withTheWorkersFrames() throws Exception {
        CompletableFuture<Integer> f = pool.submit(() -> Integer.parseInt("forty-two"));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        NumberFormatException cause = assertInstanceOf(NumberFormatException.class, e.getCause());
        assertTrue(cause.getMessage().contains("forty-two"));
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(s -> s.getClassName().equals(Integer.class.getName())),
                Arrays.toString(cause.getStackTrace()));
        CompletionException c = assertThrows(CompletionException.class, f::join);
        assertInstanceOf(NumberFormatException.class, c.getCause());
    }

    @Test
    void submit_task_checkedException_isTheCause() {
        CompletableFuture<String> f = pool.submit(() -> {
            throw new IOException("disk on fire");
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("disk on fire", e.getCause().getMessage());
    }

    @Test
    void submit_task_exceptionThatCannotTravel_comesAsChildFailedException_withAStandIn() {
        CompletableFuture<String> f = pool.submit(() -> {
            throw new UnsendableException("with a lock inside");
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        ChildFailedException failed = assertInstanceOf(ChildFailedException.class, e.getCause());
        assertEquals(UnsendableException.class.getName(), failed.remoteClassName().orElseThrow());
        assertTrue(failed.getMessage().contains("with a lock inside"), failed.getMessage());
        assertTrue(failed.getCause().toString().startsWith(UnsendableException.class.getName()),
                failed.getCause().toString());
    }

    @Test
    void submit_callable_thatIsSerializable_runs() throws Exception {
        Callable<String> c = (Callable<String> & Serializable) () -> "callable";
        Future<String> f = pool.submit(c);
        assertEquals("callable", f.get());
    }

    @Test
    void submit_runnable_andRunnableWithResult() throws Exception {
        String file = dir.resolve("ran").toString();
        assertNull(pool.submit(() -> PoolTasks.touch(file)).get());
        assertTrue(Files.exists(Path.of(file)));
        Runnable r = (Runnable & Serializable) () -> PoolTasks.touch(file + "2");
        assertEquals("done", pool.submit(r, "done").get());
        assertTrue(Files.exists(Path.of(file + "2")));
        assertNull(pool.submit(r).get());
    }

    @Test
    void submit_runnable_exception_isTheCause() {
        CompletableFuture<Void> f = pool.submit(() -> {
            throw new IllegalStateException("runnable failed");
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals("runnable failed", e.getCause().getMessage());
    }

    @Test
    void execute_runsTheCommand() throws Exception {
        Path file = dir.resolve("executed");
        String name = file.toString();
        pool.execute(() -> PoolTasks.touch(name));
        assertTrue(PoolTasks.awaitPid(file, Duration.ofSeconds(20)) > 0);
    }

    @Test
    void values_ofEveryCompactKind_andSerializedOnes_comeBackEqual() throws Exception {
        List<Object> values = Arrays.asList(null, 7, 7L, 7.5, 7.5f, (short) 7, (byte) 7, 'x', true, false, "text é ☃",
                "", new byte[] {1, 2, 3}, List.of(1, "two"), Duration.ofSeconds(3));
        for (Object v : values) {
            Object back = pool.submit(() -> v).get();
            if (v instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) back);
            } else {
                assertEquals(v, back);
                assertEquals(v == null ? null : v.getClass(), back == null ? null : back.getClass());
            }
        }
    }

    @Test
    void largeTask_andLargeResult_travelWhole() throws Exception {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 7);
        big[big.length - 1] = 9;
        byte[] back = pool.submit(() -> {
            byte[] copy = big.clone();
            copy[0] = 1;
            return copy;
        }).get();
        assertEquals(big.length, back.length);
        assertEquals(1, back[0]);
        assertEquals(9, back[back.length - 1]);
    }

    @Test
    void completableFutureChain_composesTasks() throws Exception {
        int result = pool.submit(() -> 20)
                .thenCompose(x -> pool.submit(() -> x + 1))
                .thenApply(x -> x * 2)
                .get(30, TimeUnit.SECONDS);
        assertEquals(42, result);
    }

    @Test
    void aStageThatWaitsForAnotherTaskOfThePool_doesNotBlockThePool() throws Exception {
        // The stage runs on the pool's thread and blocks on the pool: the pool hands its reading over.
        CompletableFuture<Integer> chained = pool.submit(() -> 1)
                .thenApply(x -> pool.submit(() -> x + 1).join());
        assertEquals(2, chained.get(30, TimeUnit.SECONDS));
    }

    @Test
    void map_returnsResultsInInputOrder() throws Exception {
        List<Integer> inputs = IntStream.range(0, 500).boxed().toList();
        List<Integer> squares = pool.map(x -> x * x, inputs);
        assertEquals(inputs.stream().map(x -> x * x).toList(), squares);
        assertEquals(squares, pool.map(x -> x * x, inputs, 7));
    }

    @Test
    void map_ofSerializedValues_andNulls() throws Exception {
        List<Duration> inputs = Arrays.asList(Duration.ofSeconds(1), null, Duration.ofMinutes(2));
        List<String> out = pool.map(d -> d == null ? null : d.toString(), inputs, 2);
        assertEquals(Arrays.asList("PT1S", null, "PT2M"), out);
    }

    @Test
    void map_failure_isThrownAfterAllSettle_theLowestIndexFirst() throws Exception {
        String dirName = dir.toString();
        List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.map(x -> {
            PoolTasks.touch(dirName + "/" + x);
            if (x == 5 || x == 15) {
                throw new IllegalArgumentException("bad " + x);
            }
            return x;
        }, inputs));
        assertEquals("bad 5", e.getMessage());
        for (int x : inputs) {
            assertTrue(Files.exists(dir.resolve(Integer.toString(x))), "element " + x + " ran");
        }
        IllegalArgumentException chunked = assertThrows(IllegalArgumentException.class, () -> pool.map(x -> {
            if (x % 5 == 3) {
                throw new IllegalArgumentException("bad " + x);
            }
            return x;
        }, inputs, 4));
        assertEquals("bad 3", chunked.getMessage());
    }

    @Test
    void mapUnordered_givesEveryResult_andAFailureWhenReached() throws Exception {
        List<Integer> inputs = IntStream.range(0, 200).boxed().toList();
        try (Stream<Integer> s = pool.mapUnordered(x -> x + 1, inputs)) {
            assertEquals(IntStream.rangeClosed(1, 200).boxed().collect(Collectors.toSet()), s.collect(Collectors.toSet()));
        }
        try (Stream<Integer> s = pool.mapUnordered(x -> x + 1, inputs, 16)) {
            assertEquals(200, s.count());
        }
        try (Stream<Integer> s = pool.mapUnordered(x -> {
            if (x == 3) {
                throw new IllegalStateException("three");
            }
            return x;
        }, List.of(1, 2, 3))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.toList());
            assertEquals("three", e.getMessage());
        }
    }

    @Test
    void invokeAll_returnsEveryOutcome() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int k = i;
            tasks.add((Task<Integer>) () -> {
                if (k == 4) {
                    throw new IllegalStateException("four");
                }
                return k * 10;
            });
        }
        List<Future<Integer>> futures = pool.invokeAll(tasks);
        for (int i = 0; i < 10; i++) {
            if (i == 4) {
                int k = i;
                ExecutionException e = assertThrows(ExecutionException.class, () -> futures.get(k).get());
                assertEquals("four", e.getCause().getMessage());
            } else {
                assertEquals(i * 10, futures.get(i).get());
            }
        }
        List<Future<Integer>> timed = pool.invokeAll(tasks.subList(0, 3), 30, TimeUnit.SECONDS);
        assertEquals(20, timed.get(2).get());
    }

    @Test
    void invokeAny_returnsASuccess_orTheFailureWhenAllFail() throws Exception {
        List<Callable<String>> tasks = List.of(
                (Task<String>) () -> {
                    throw new IllegalStateException("no");
                },
                (Task<String>) () -> "yes");
        assertEquals("yes", pool.invokeAny(tasks));
        assertEquals("yes", pool.invokeAny(tasks, 30, TimeUnit.SECONDS));
        List<Callable<String>> failing = List.of((Task<String>) () -> {
            throw new IllegalStateException("no");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.invokeAny(failing));
        assertEquals("no", e.getCause().getMessage());
    }

    @Test
    void initializer_runsOnceInEachWorker_beforeItsTasks() throws Exception {
        try (ProcessPool p = ProcessPool.builder().workers(2).initializer(() -> PoolTasks.initialize("ready")).build()) {
            Set<String> seen = new HashSet<>();
            for (String s : p.map(x -> PoolTasks.initialized(), IntStream.range(0, 50).boxed().toList())) {
                seen.add(s);
            }
            for (String s : seen) {
                assertTrue(s.startsWith("ready in "), s);
            }
        }
    }

    @Test
    void aTaskThatPrints_doesNotDisturbTheAnswers() throws Exception {
        List<Integer> out = pool.map(x -> {
            System.out.println("stdout noise " + x);
            System.err.println("stderr noise " + x);
            return x;
        }, List.of(1, 2, 3));
        assertEquals(List.of(1, 2, 3), out);
    }
}
