package dev.multiproc.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.ChildFailedException;
import dev.multiproc.JvmProcess;
import dev.multiproc.MemberDiedException;
import dev.multiproc.Signal;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerDiedException;
import dev.multiproc.WorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool API on three member processes on 127.0.0.1: values and exceptions come back as from a
 * local pool, through submit, map and mapUnordered; a task that exits its worker fails alone;
 * timeouts and cancels kill the worker on its member; the class path travels to members that
 * have none of this JVM's classes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterPoolTest {
    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static ClusterPool pool;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(3, dir);
        pool = cluster.pool().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pool.members().stream().filter(m -> m.state().equals("ready")).count() < 3) {
            assertTrue(System.nanoTime() < deadline, "three members ready: " + pool.members());
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void submit_returnsTheValue_andReportsEveryMember() throws Exception {
        WorkerPool p = pool;
        int n = 21;
        assertEquals(42, p.submit(() -> n * 2).get());
        assertEquals(3, pool.members().size());
        assertTrue(pool.members().stream().allMatch(m -> m.workers() == 2), pool.members().toString());
        assertEquals(6, pool.workers());
    }

    @Test
    void anException_arrivesWithItsClassMessageCauseAndRemoteStack() {
        CompletableFuture<Integer> f = pool.submit(() -> {
            throw new IllegalStateException("outer", new ArithmeticException("inner"));
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        IllegalStateException thrown = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("outer", thrown.getMessage());
        assertInstanceOf(ArithmeticException.class, thrown.getCause());
        assertEquals("inner", thrown.getCause().getMessage());
        assertTrue(List.of(thrown.getStackTrace()).stream().anyMatch(s -> s.getClassName().contains("ClusterPoolTest")),
                "the worker's stack: " + List.of(thrown.getStackTrace()));
    }

    @Test
    void map_andChunkedMap_keepOrder_andThrowTheLowestFailure() throws Exception {
        List<Integer> inputs = IntStream.range(0, 2_000).boxed().toList();
        List<Integer> squares = inputs.stream().map(x -> x * x).toList();
        assertEquals(squares.subList(0, 50), pool.map(x -> x * x, inputs.subList(0, 50)));
        assertEquals(squares, pool.map(x -> x * x, inputs, 100));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> pool.map(x -> 10 / (x - 7), List.of(1, 2, 7, 8, 7), 2));
        assertEquals("/ by zero", e.getMessage());
    }

    @Test
    void invokeAll_andInvokeAny_followExecutorServicesRules() throws Exception {
        List<java.util.concurrent.Callable<Integer>> tasks = List.of(
                (java.util.concurrent.Callable<Integer> & java.io.Serializable) () -> 1,
                (java.util.concurrent.Callable<Integer> & java.io.Serializable) () -> {
                    throw new IllegalStateException("two fails");
                },
                (java.util.concurrent.Callable<Integer> & java.io.Serializable) () -> 3);
        List<java.util.concurrent.Future<Integer>> all = pool.invokeAll(tasks);
        assertEquals(1, all.get(0).get());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> all.get(1).get());
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(3, all.get(2).get());
        int any = pool.invokeAny(tasks);
        assertTrue(any == 1 || any == 3, "the value of a task that succeeded: " + any);
        ExecutionException none = assertThrows(ExecutionException.class, () -> pool.invokeAny(List.of(
                (java.util.concurrent.Callable<Integer> & java.io.Serializable) () -> {
                    throw new IllegalStateException("all fail");
                })));
        assertEquals("all fail", none.getCause().getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.invokeAny(List.<java.util.concurrent.Callable<Integer>>of()));
    }

    @Test
    void mapUnordered_givesEveryResult_andItsFailures() {
        try (var results = pool.mapUnordered(x -> x + 1, IntStream.range(0, 100).boxed().toList(), 7)) {
            assertEquals(IntStream.range(1, 101).boxed().collect(Collectors.toSet()), results.collect(Collectors.toSet()));
        }
        try (var results = pool.mapUnordered(x -> {
            if (x == 3) {
                throw new UnsupportedOperationException("three");
            }
            return x;
        }, List.of(1, 2, 3))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> results.toList());
            assertEquals("three", e.getMessage());
        }
    }

    @Test
    void aTaskThatExits_failsAlone_withWorkerDied_andNoMemberLeaves() throws Exception {
        CompletableFuture<Integer> crash = pool.submit(() -> {
            System.exit(3);
            return 0;
        });
        List<CompletableFuture<Integer>> others = IntStream.range(0, 20).mapToObj(i -> pool.submit(() -> i)).toList();
        ExecutionException e = assertThrows(ExecutionException.class, crash::get);
        WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
        assertFalse(died instanceof MemberDiedException, died.toString());
        assertEquals(3, died.exitStatus().orElseThrow().exitCode().orElseThrow());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, others.get(i).get());
        }
        assertEquals(3, pool.members().stream().filter(m -> m.state().equals("ready")).count());
    }

    @Test
    void taskTimeout_killsTheWorkerOnItsMember() throws Exception {
        Path pidFile = dir.resolve("timeout.pid");
        String pidName = pidFile.toString();
        try (ClusterPool timed = cluster.pool().taskTimeout(Duration.ofMillis(1500)).build()) {
            CompletableFuture<Integer> f = timed.submit(() -> {
                Files.writeString(Path.of(pidName), Long.toString(ProcessHandle.current().pid()));
                Thread.sleep(120_000);
                return 1;
            });
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(TaskTimeoutException.class, e.getCause());
            assertEquals(7, timed.submit(() -> 7).get());
        }
        assertGone(Long.parseLong(Files.readString(pidFile)));
    }

    @Test
    void cancelTrue_killsTheWorkerRunningTheTask() throws Exception {
        Path pidFile = dir.resolve("cancel.pid");
        String pidName = pidFile.toString();
        CompletableFuture<Integer> f = pool.submit(() -> {
            Files.writeString(Path.of(pidName), Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(120_000);
            return 1;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(pidFile) || Files.readString(pidFile).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the task started");
            Thread.sleep(20);
        }
        assertTrue(f.cancel(true));
        assertThrows(CancellationException.class, f::get);
        assertGone(Long.parseLong(Files.readString(pidFile)));
    }

    @Test
    void theClassPathTravels_toMembersStartedWithoutThisJvmsClasses() throws Exception {
        String where = pool.submit(() -> ClusterPoolTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toString()).get();
        assertTrue(where.contains("multiproc-member-"), "loaded from a member's cache: " + where);
        assertFalse(System.getProperty("java.class.path").contains("multiproc-member-"));
    }

    @Test
    void aClientWithAWrongKey_runsNothing() throws Exception {
        Path wrong = dir.resolve("wrong.key");
        Files.writeString(wrong, "not the cluster's key, but long enough");
        Path marker = dir.resolve("wrong-key-ran");
        String markerName = marker.toString();
        ClusterKeyException e = assertThrows(ClusterKeyException.class, () -> {
            try (ClusterPool p = cluster.pool().clusterKey(wrong).build()) {
                p.submit(() -> Files.createFile(Path.of(markerName)).toString()).get();
            }
        });
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aTaskClassMissingFromTheShippedClassPath_failsWithWhy() throws Exception {
        ChildFailedException e = assertInstanceOf(ChildFailedException.class, assertThrows(ExecutionException.class,
                () -> pool.submit(MissingClasses.task(dir)).get()).getCause());
        assertTrue(e.getMessage().contains("cannot load the task"), e.getMessage());
    }

    @Test
    void aResultOverTheLimit_failsItsTask_andThePoolGoesOn() throws Exception {
        try (ClusterPool limited = cluster.pool().deserializationFilter("maxbytes=1000").build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> limited.submit(() -> new byte[100_000]).get());
            assertTrue(e.getCause().getMessage().contains("maxbytes"), e.getCause().toString());
            assertEquals(3, limited.submit(() -> 3).get());
        }
    }

    @Test
    void anOpenPool_doesNotKeepItsJvmAlive() throws Exception {
        String[] addresses = cluster.addresses();
        String name = cluster.name;
        String key = cluster.key.toString();
        JvmProcess<Integer> child = JvmProcess.start(() -> {
            ClusterPool open = ClusterPool.builder().addresses(addresses).clusterName(name)
                    .clusterKey(Path.of(key)).build();
            return open.submit(() -> 6 * 7).get(60, TimeUnit.SECONDS); // and main returns, the pool open
        });
        try {
            assertTrue(child.join(Duration.ofSeconds(90)), "the JVM ended with its cluster pool open");
            assertEquals(42, child.result());
        } finally {
            child.signal(Signal.SIGKILL);
        }
    }

    static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Processes.alive(pid)) {
            assertTrue(System.nanoTime() < deadline, "worker " + pid + " still runs");
            Thread.sleep(50);
        }
    }
}
