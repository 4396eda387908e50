package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shared object used after its process closed it throws ObjectClosedException, in the parent
 * and in a child alike; closing is a process's own (the others go on), and a thread asleep on an
 * object when its process closes it wakes with that exception.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpcUseAfterCloseTest {
    /** The handles, each with a use of it. */
    record Used(AutoCloseable handle, org.junit.jupiter.api.function.Executable use) {}

    private static List<Used> oneOfEach() {
        ProcessLock lock = ProcessLock.create();
        SharedMemory memory = SharedMemory.allocate(4096);
        SharedLongArray longs = SharedLongArray.create(1);
        SharedIntArray ints = SharedIntArray.create(1);
        SharedDoubleArray doubles = SharedDoubleArray.create(1);
        ProcessLock reentrant = ProcessLock.reentrant();
        ProcessCondition condition = lock.newCondition();
        ProcessSemaphore semaphore = ProcessSemaphore.create(1);
        ProcessEvent event = ProcessEvent.create();
        ProcessBarrier barrier = ProcessBarrier.create(2);
        return List.of(new Used(memory, memory::segment), new Used(longs, () -> longs.getAndAdd(0, 1)),
                new Used(ints, () -> ints.set(0, 1)), new Used(doubles, () -> doubles.get(0)),
                new Used(condition, () -> signalUnheld(condition)), new Used(lock, lock::lock),
                new Used(reentrant, reentrant::tryLock), new Used(semaphore, semaphore::tryAcquire),
                new Used(event, event::set), new Used(barrier, barrier::waiting));
    }

    /** Signals without the lock: refused, unless the condition is closed (that is checked first). */
    private static void signalUnheld(ProcessCondition condition) {
        try {
            condition.signal();
        } catch (IllegalMonitorStateException expected) {
            // open, and the lock is not held here
        }
    }

    @Test
    void everyKind_closedHere_throwsHere() throws Throwable {
        for (Used used : oneOfEach()) {
            used.use().execute();
            used.handle().close();
            used.handle().close(); // idempotent
            ObjectClosedException e = assertThrows(ObjectClosedException.class, used.use(), used.handle().toString());
            assertTrue(e.getMessage().contains("closed in this process"), e.getMessage());
        }
    }

    @Test
    void everyKind_closedInAChild_throwsThere_andGoesOnHere() throws Throwable {
        List<Used> used = oneOfEach();
        try {
            List<AutoCloseable> handles = new ArrayList<>(used.stream().map(Used::handle).toList());
            List<String> outcomes = JvmProcess.start(() -> {
                List<String> seen = new ArrayList<>();
                for (AutoCloseable handle : handles) {
                    handle.close();
                    try {
                        switch (handle) {
                            case SharedMemory m -> m.segment();
                            case SharedLongArray a -> a.get(0);
                            case SharedIntArray a -> a.get(0);
                            case SharedDoubleArray a -> a.get(0);
                            case ProcessLock l -> l.lock();
                            case ProcessCondition c -> signalUnheld(c);
                            case ProcessSemaphore s -> s.tryAcquire();
                            case ProcessEvent e -> e.set();
                            case ProcessBarrier b -> b.waiting();
                            default -> throw new AssertionError(handle);
                        }
                        seen.add("used after close: " + handle);
                    } catch (ObjectClosedException e) {
                        seen.add("closed");
                    }
                }
                return seen;
            }).result();
            assertEquals(used.size(), outcomes.size());
            outcomes.forEach(o -> assertEquals("closed", o));
            for (Used u : used) {
                u.use().execute(); // still open here
            }
        } finally {
            for (Used u : used) {
                u.handle().close();
            }
        }
    }

    @Test
    void aThreadAsleepOnAnObject_wakesWithTheErrorWhenItsProcessClosesIt() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            ProcessEvent event = ProcessEvent.create();
            ProcessSemaphore semaphore = ProcessSemaphore.create(0);
            AtomicReference<Throwable> eventWaiter = new AtomicReference<>();
            AtomicReference<Throwable> semaphoreWaiter = new AtomicReference<>();
            Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
            Thread a = builder.start(() -> {
                try {
                    event.await(Duration.ofSeconds(60));
                } catch (Throwable t) {
                    eventWaiter.set(t);
                }
            });
            Thread b = builder.start(() -> {
                try {
                    semaphore.acquire();
                } catch (Throwable t) {
                    semaphoreWaiter.set(t);
                }
            });
            Thread.sleep(100);
            event.close();
            semaphore.close();
            assertTrue(a.join(Duration.ofSeconds(20)) && b.join(Duration.ofSeconds(20)));
            assertTrue(eventWaiter.get() instanceof ObjectClosedException, String.valueOf(eventWaiter.get()));
            assertTrue(semaphoreWaiter.get() instanceof ObjectClosedException, String.valueOf(semaphoreWaiter.get()));
        }
    }
}
