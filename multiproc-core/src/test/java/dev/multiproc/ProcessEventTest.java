package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.ipc.FutexWait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An event set in one process wakes its waiters in every process, platform and virtual threads
 * alike (more waiting virtual threads than carriers: none holds one), and can be watched by a
 * callback, for a wait over many objects.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessEventTest {
    @Test
    void eventsPingPongedWithAChildJvm_neverLoseASet() throws Exception {
        try (ProcessEvent ping = ProcessEvent.create(); ProcessEvent pong = ProcessEvent.create()) {
            int rounds = 500;
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                for (int i = 0; i < rounds; i++) {
                    if (!ping.await(Duration.ofSeconds(30))) {
                        throw new AssertionError("no ping in round " + i);
                    }
                    ping.clear();
                    pong.set();
                }
                return rounds;
            });
            for (int i = 0; i < rounds; i++) {
                ping.set();
                assertTrue(pong.await(Duration.ofSeconds(30)), "no pong in round " + i);
                pong.clear();
            }
            assertEquals(rounds, child.result());
        }
    }

    @Test
    void moreWaitingVirtualThreadsThanCarriers_areAllWokenByASetInAChild() throws Exception {
        int count = Runtime.getRuntime().availableProcessors() * 64;
        try (ProcessEvent go = ProcessEvent.create(); ProcessEvent gate = ProcessEvent.create()) {
            AtomicInteger waiting = new AtomicInteger();
            AtomicInteger woken = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    waiting.incrementAndGet();
                    try {
                        go.await();
                        woken.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (waiting.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(count, waiting.get(), "every waiter ran: none holds a carrier while it waits");
            assertEquals(0, woken.get());
            JvmProcess.start(() -> {
                go.set();
                return null;
            }).result();
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(20)));
            }
            assertEquals(count, woken.get());
            assertFalse(gate.isSet());
        }
    }

    @Test
    void aCallback_runsOnceWhenTheEventIsSet_orAtOnceIfItIs() throws Exception {
        try (ProcessEvent event = ProcessEvent.create()) {
            CountDownLatch called = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            FutexWait.Registration registration = event.whenSet(() -> {
                calls.incrementAndGet();
                called.countDown();
            });
            AtomicInteger cancelled = new AtomicInteger();
            event.whenSet(cancelled::incrementAndGet).cancel();
            Thread.sleep(20);
            assertEquals(0, calls.get());
            JvmProcess.start(() -> {
                event.set();
                return null;
            }).result();
            assertTrue(called.await(20, TimeUnit.SECONDS));
            registration.cancel();
            AtomicInteger atOnce = new AtomicInteger();
            event.whenSet(atOnce::incrementAndGet);
            assertEquals(1, atOnce.get(), "already set: at once");
            Thread.sleep(20);
            assertEquals(1, calls.get());
            assertEquals(0, cancelled.get());
        }
    }

    @Test
    void aWaitThatTimesOut_saysSo_andASetOneReturnsAtOnce() throws Exception {
        try (ProcessEvent event = ProcessEvent.create()) {
            assertFalse(event.await(Duration.ofMillis(20)));
            assertFalse(event.await(Duration.ZERO));
            event.set();
            assertTrue(event.isSet());
            assertTrue(event.await(Duration.ZERO));
            event.clear();
            assertFalse(event.isSet());
        }
    }
}
