package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.NotSerializableResult;
import dev.multiproc.pooltesting.PoolTasks;
import java.io.Serializable;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every bad input is refused with the right exception, and its message names the bad value. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolBadInputTest {
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("bad-input").workers(1).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "\"" + part + "\" not in: " + e.getMessage());
        }
    }

    @Test
    void workers_zeroOrNegative() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().workers(0)), "workers", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().workers(-3)), "-3");
    }

    @Test
    void queueCapacity_zeroOrNegative() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().queueCapacity(0)),
                "queueCapacity", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().queueCapacity(-1)), "-1");
    }

    @Test
    void maxTasksPerWorker_zeroOrNegative() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().maxTasksPerWorker(0)),
                "maxTasksPerWorker", "0");
    }

    @Test
    void taskTimeout_zeroOrNegative() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().taskTimeout(Duration.ZERO)),
                "taskTimeout", "PT0S");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().taskTimeout(Duration.ofSeconds(-1))), "PT-1S");
    }

    @Test
    void name_emptyOrWithNul() {
        assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().name(""));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().name("a\0b")), "a\\0b");
    }

    @Test
    void jvmOptions_thatAreNotOptions() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().jvmOptions("Xmx1g")),
                "\"Xmx1g\"");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ProcessPool.builder().jvmOptions("-jar")),
                "\"-jar\"");
    }

    @Test
    void chunkSize_zeroOrNegative() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, List.of(1), 0)),
                "chunkSize", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.mapUnordered(x -> x, List.of(1), -2)),
                "-2");
    }

    @Test
    void map_overAnEmptyList_isAnEmptyList_atOnce() throws Exception {
        try (ProcessPool fresh = ProcessPool.builder().workers(1).build()) {
            long start = System.nanoTime();
            assertEquals(List.of(), fresh.map(x -> x, List.<Integer>of()));
            assertEquals(List.of(), fresh.map(x -> x, List.<Integer>of(), 10));
            assertEquals(0, fresh.mapUnordered(x -> x, List.<Integer>of()).count());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 1000, "took " + ms + " ms: it waited for a worker");
        }
    }

    @Test
    void submission_afterShutdown_isRejected() {
        ProcessPool p = ProcessPool.builder().workers(1).build();
        p.shutdown();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> p.submit(() -> 1));
        assertMessage(e, p.name(), "shut down");
        assertThrows(RejectedExecutionException.class, () -> p.execute(() -> PoolTasks.sleep(1)));
        assertThrows(RejectedExecutionException.class, () -> p.map(x -> x, List.of(1)));
        assertThrows(RejectedExecutionException.class, () -> p.map(x -> x, List.<Integer>of()));
        assertThrows(RejectedExecutionException.class, () -> p.mapUnordered(x -> x, List.of(1)));
        assertThrows(RejectedExecutionException.class,
                () -> p.invokeAll(List.of((Task<Integer>) () -> 1)));
        p.close();
        assertThrows(RejectedExecutionException.class, () -> p.submit(() -> 1));
    }

    @Test
    void aCallableThatIsNotSerializable_isRefused_sayingHow() {
        Callable<Integer> plain = () -> 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.submit(plain));
        assertMessage(e, plain.getClass().getName(), "not Serializable", "(Callable<T> & Serializable)", "Task");
        assertThrows(IllegalArgumentException.class, () -> pool.invokeAll(List.of(plain)));
        assertThrows(IllegalArgumentException.class, () -> pool.invokeAny(List.of(plain)));
    }

    @Test
    void aRunnableThatIsNotSerializable_isRefused_sayingHow() {
        Runnable plain = () -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.execute(plain));
        assertMessage(e, plain.getClass().getName(), "not Serializable", "SerializableRunnable", "(Runnable & Serializable)");
        assertThrows(IllegalArgumentException.class, () -> pool.submit(plain));
        assertThrows(IllegalArgumentException.class, () -> pool.submit(plain, "x"));
    }

    @Test
    void aTaskThatCapturesSomethingNotSerializable_isRefused_namingIt() {
        Socket socket = new Socket();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.submit(() -> socket.isConnected()));
        assertMessage(e, "java.net.Socket");
        Callable<Boolean> c = (Callable<Boolean> & Serializable) socket::isClosed;
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.submit(c)), "java.net.Socket");
    }

    @Test
    void aMapWhoseFunctionOrInputIsNotSerializable_isRefused_namingTheIndex() {
        Socket socket = new Socket();
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> pool.map(x -> socket.isBound(), List.of(1))), "function", "java.net.Socket");
        List<Object> inputs = Arrays.asList(1, "two", new Object());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, inputs)),
                "element 2", "java.lang.Object");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, inputs, 2)), "element 2");
    }

    @Test
    void aResultThatCannotBeSerialized_failsThatFuture_namingTheClass_andTheWorkerSurvives() throws Exception {
        long pid = pool.submit(PoolTasks::pid).get();
        CompletableFuture<NotSerializableResult> f = pool.submit(NotSerializableResult::new);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        ChildFailedException failed = assertInstanceOf(ChildFailedException.class, e.getCause());
        assertMessage(failed, NotSerializableResult.class.getName(), "cannot be sent back");
        assertEquals(pid, pool.submit(PoolTasks::pid).get(), "the worker was replaced");
        Exception mapped = assertThrows(ChildFailedException.class, () -> pool.map(x -> new NotSerializableResult(),
                List.of(1), 1));
        assertMessage(mapped, NotSerializableResult.class.getName());
        assertThrows(ChildFailedException.class, () -> pool.map(x -> new NotSerializableResult(), List.of(1, 2), 2));
        assertEquals(pid, pool.submit(PoolTasks::pid).get());
    }

    @Test
    void invokeAny_ofNoTasks() {
        assertThrows(IllegalArgumentException.class, () -> pool.invokeAny(List.<Callable<Integer>>of()));
    }

    @Test
    void nulls() {
        assertThrows(NullPointerException.class, () -> pool.submit((Task<Integer>) null));
        assertThrows(NullPointerException.class, () -> pool.map(null, List.of(1)));
        assertThrows(NullPointerException.class, () -> pool.map(x -> x, null));
        assertThrows(NullPointerException.class, () -> ProcessPool.builder().taskTimeout(null));
    }

    @Test
    void aJvmOptionTheJvmRefuses_breaksThePool_withTheJvmsMessage() throws Exception {
        try (ProcessPool broken = ProcessPool.builder().workers(2).jvmOptions("-XX:+NoSuchOptionAtAll").build()) {
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failureOfASubmit(broken));
            assertMessage(died, "could not start", "NoSuchOptionAtAll");
            assertTrue(died.stderrTail().contains("Unrecognized VM option"), died.stderrTail());
            RejectedExecutionException r = assertThrows(RejectedExecutionException.class, () -> broken.submit(() -> 2));
            assertMessage(r, "broken");
            assertTrue(broken.awaitTermination(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aJvmOptionTheJvmRefuses_breaksThePool_evenIfTheJvmEndedBeforeItsSetupWasSent() throws Exception {
        System.setProperty("dev.multiproc.test.workerSetupDelayMillis", "1500"); // the JVM refuses at once
        try (ProcessPool broken = ProcessPool.builder().workers(2).jvmOptions("-XX:+NoSuchOptionAtAll").build()) {
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failureOfASubmit(broken));
            assertMessage(died, "could not start", "NoSuchOptionAtAll");
            assertTrue(died.stderrTail().contains("Unrecognized VM option"), died.stderrTail());
            assertTrue(broken.awaitTermination(20, TimeUnit.SECONDS));
        } finally {
            System.clearProperty("dev.multiproc.test.workerSetupDelayMillis");
        }
    }

    @Test
    void anInitializerThatThrows_breaksThePool_withItsException() throws Exception {
        try (ProcessPool broken = ProcessPool.builder().workers(2).initializer(() -> {
            throw new IllegalStateException("no database");
        }).build()) {
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failureOfASubmit(broken));
            assertMessage(died, "initializer", "no database");
            assertInstanceOf(IllegalStateException.class, died.getCause());
            assertTrue(broken.awaitTermination(20, TimeUnit.SECONDS));
        }
    }

    /**
     * The failure a task meets in a pool that breaks as it starts: its future's, or (if the
     * pool broke before the task came) the cause of the rejection.
     */
    private static Throwable failureOfASubmit(ProcessPool broken) throws InterruptedException {
        try {
            broken.submit(() -> 1).get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (RejectedExecutionException e) {
            assertMessage(e, "broken");
            return e.getCause();
        }
        throw new AssertionError("a task ran in a pool that cannot start its workers");
    }

    @Test
    void anInitializerThatIsNotSerializable_isRefused() {
        Socket socket = new Socket();
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().initializer(() -> socket.isBound())), "java.net.Socket");
    }
}
