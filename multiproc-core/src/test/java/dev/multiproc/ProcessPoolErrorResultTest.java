package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.HostileResultMain;
import dev.multiproc.pooltesting.ThrowsWhenRead;
import dev.multiproc.testing.Procs;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A result that cannot be read here, whatever it throws while it is read (an {@link Error}
 * included), fails its own future or map element with a typed exception carrying the cause:
 * never a future left incomplete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolErrorResultTest {
    /** Far longer than any answer takes: only a future that is never completed reaches it. */
    private static final long PATIENCE_SECONDS = Procs.PATIENCE.toSeconds();

    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("error-results").workers(2).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static void assertCauseChainHas(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return;
            }
        }
        throw new AssertionError("no " + type.getName() + " in the causes of " + e, e);
    }

    @Test
    void aResultWhoseReadObjectThrowsAnAssertionError_failsItsFuture_withAMultiprocException() throws Exception {
        for (int i = 0; i < 20; i++) {
            CompletableFuture<ThrowsWhenRead> f = pool.submit(ThrowsWhenRead::new);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
            MultiprocException failed = assertInstanceOf(MultiprocException.class, e.getCause());
            assertTrue(failed.getMessage().contains("cannot be deserialized"), failed.getMessage());
            assertCauseChainHas(failed, AssertionError.class);
        }
        assertEquals(42, pool.submit(() -> 42).get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aMapElementWhoseResultThrowsAnAssertionErrorWhenRead_failsThatElement_andTheCallEnds() throws Exception {
        List<Integer> inputs = List.of(0, 1, 2, 3, 4, 5);
        for (int chunk : new int[] {1, 4}) {
            FutureTask<List<Object>> call = new FutureTask<>(() -> pool.map(
                    x -> x == 2 ? new ThrowsWhenRead() : (Object) x, inputs, chunk));
            Thread.ofVirtual().start(call);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> call.get(PATIENCE_SECONDS, TimeUnit.SECONDS), "chunk " + chunk);
            MultiprocException failed = assertInstanceOf(MultiprocException.class, e.getCause(), "chunk " + chunk);
            assertCauseChainHas(failed, AssertionError.class);
        }
        assertEquals(List.of(0, 1, 4), pool.map(x -> x * x, List.of(0, 1, 2), 2));
    }

    @Test
    void anExceptionWhoseReadObjectThrowsAnError_failsTheFuture_withAStandIn() throws Exception {
        CompletableFuture<Integer> f = pool.submit(() -> {
            throw new IllegalStateException("thrown with an unreadable companion",
                    new ErrorWhenReadException());
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        ChildFailedException failed = assertInstanceOf(ChildFailedException.class, e.getCause());
        assertTrue(failed.getMessage().contains("thrown with an unreadable companion"), failed.getMessage());
    }

    /** An exception that throws an {@link AssertionError} when it is deserialized. */
    static final class ErrorWhenReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) {
            throw new AssertionError("never read");
        }
    }

    /**
     * A few hundred bytes that announce eight nested {@code Object[2^28]} arrays: in a JVM with a
     * 128 MiB heap, the first would be an {@code OutOfMemoryError}. The limits refuse them before
     * anything is allocated, and the future fails with a typed exception.
     */
    @Test
    void aResultStreamOfNestedHugeArrays_isRefused_andItsFutureFails() throws Exception {
        Subprocess p = Procs.java(List.of("-Xmx128m"), HostileResultMain.class, Long.toString(PATIENCE_SECONDS))
                .stdin(Redirect.DISCARD).stderr(Redirect.INHERIT).start();
        String out = Procs.readAll(p.stdout());
        assertEquals(0, p.waitFor().returncode(), out);
        assertTrue(out.contains("outcome dev.multiproc.MultiprocException"), out);
        assertTrue(out.contains("java.io.InvalidClassException"), out);
        assertTrue(out.contains("next 42"), out);
    }
}
