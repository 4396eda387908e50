package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A full queue makes {@code submit} wait for room (back-pressure); an interrupt or a shutdown
 * ends the wait with {@link RejectedExecutionException}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolQueueTest {

    @Test
    void aFullQueue_makesTheSubmitterWait_untilThereIsRoom() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).queueCapacity(2).build()) {
            CompletableFuture<Void> busy = pool.submit(() -> PoolTasks.sleep(1000));
            pool.submit(() -> 1);
            pool.submit(() -> 2);
            AtomicReference<CompletableFuture<Integer>> third = new AtomicReference<>();
            Thread submitter = Thread.ofPlatform().start(() -> third.set(pool.submit(() -> 3)));
            Procs.await("the submitter waits", () -> submitter.getState() == Thread.State.WAITING);
            assertTrue(third.get() == null);
            busy.get();
            submitter.join(30_000);
            assertEquals(3, third.get().get());
        }
    }

    @Test
    void aWaitingSubmitter_isRejectedWhenInterrupted_orWhenThePoolShutsDown() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(1).queueCapacity(1).build();
        pool.submit(() -> PoolTasks.sleep(2000));
        pool.submit(() -> 1);
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> {
            try {
                pool.submit(() -> 2);
            } catch (Throwable t) {
                interrupted.set(t);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        Procs.await("first submitter waits", () -> a.getState() == Thread.State.WAITING);
        a.interrupt();
        a.join(30_000);
        assertInstanceOf(RejectedExecutionException.class, interrupted.get());
        assertTrue(interrupted.get().getMessage().contains("queueCapacity 1"), interrupted.get().getMessage());
        assertTrue(flagKept.get());

        AtomicReference<Throwable> rejected = new AtomicReference<>();
        Thread b = Thread.ofPlatform().start(() -> {
            try {
                pool.submit(() -> 3);
            } catch (Throwable t) {
                rejected.set(t);
            }
        });
        Procs.await("second submitter waits", () -> b.getState() == Thread.State.WAITING);
        pool.shutdown();
        b.join(30_000);
        assertInstanceOf(RejectedExecutionException.class, rejected.get());
        pool.close();
    }
}
