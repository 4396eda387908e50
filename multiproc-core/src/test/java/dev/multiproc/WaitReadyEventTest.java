package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An event in one wait with connections and processes: ready when set, here or in a child, never missed. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WaitReadyEventTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void anEventSetInAChild_endsTheWait_andOnlyItIsReady() throws Exception {
        try (ProcessEvent event = ProcessEvent.create(); ProcessEvent other = ProcessEvent.create();
             Pipe<String> pipe = Pipe.open()) {
            JvmProcess<Void> child = JvmProcess.start(() -> {
                event.set();
                Thread.sleep(60_000);
                return null;
            });
            try {
                List<Waitable> ready = Multiproc.waitReady(List.of(pipe.left(), other, event, child), PATIENCE);
                assertEquals(List.of(event), ready);
            } finally {
                child.kill();
            }
        }
    }

    @Test
    void aSetEvent_isReadyAtOnce_aClearedOneIsNot() throws Exception {
        try (ProcessEvent event = ProcessEvent.create()) {
            event.set();
            assertEquals(List.of(event), Multiproc.waitReady(List.of(event), Duration.ZERO));
            event.clear();
            assertEquals(List.of(), Multiproc.waitReady(List.of(event), Duration.ofMillis(50)));
        }
    }

    @Test
    void aClosedEvent_isReady_soThatItsNextCallSaysSo() throws Exception {
        ProcessEvent event = ProcessEvent.create();
        event.close();
        assertEquals(List.of(event), Multiproc.waitReady(List.of(event), PATIENCE));
    }

    @Test
    void anEventSetAtAnyMoment_isNeverMissed_byPlatformOrVirtualWaiters() throws Exception {
        for (int round = 0; round < 400; round++) {
            try (ProcessEvent event = ProcessEvent.create(); Pipe<String> idle = Pipe.open()) {
                long delay = ThreadLocalRandom.current().nextLong(0, 200_000);
                Thread setter = Thread.ofPlatform().start(() -> {
                    LockSupport.parkNanos(delay);
                    event.set();
                });
                Thread.Builder waiterKind = round % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform();
                List<List<Waitable>> got = new java.util.ArrayList<>();
                Thread waiter = waiterKind.start(() -> {
                    try {
                        got.add(Multiproc.waitReady(List.of(idle.left(), event), PATIENCE));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                waiter.join(PATIENCE);
                setter.join();
                assertEquals(List.of(List.of(event)), got, "round " + round);
            }
        }
    }
}
