package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A barrier whose party is SIGKILLed breaks instead of hanging: the waiters, here and in other
 * processes, get BrokenBarrierException at once; rounds without a death go through.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BarrierPartyKilledTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void partiesInChildJvmsAndHere_passRoundAfterRound() throws Exception {
        try (ProcessBarrier barrier = ProcessBarrier.create(3); SharedLongArray rounds = SharedLongArray.create(3)) {
            List<JvmProcess<Integer>> children = List.of(0, 1).stream().map(c -> JvmProcess.start(() -> {
                for (int r = 0; r < 20; r++) {
                    rounds.getAndAdd(c, 1);
                    barrier.await();
                }
                return 0;
            })).toList();
            for (int r = 0; r < 20; r++) {
                rounds.getAndAdd(2, 1);
                barrier.await();
                // nobody is more than one round ahead of anybody
                assertTrue(Math.abs(rounds.get(0) - rounds.get(2)) <= 1 && Math.abs(rounds.get(1) - rounds.get(2)) <= 1);
            }
            for (JvmProcess<Integer> c : children) {
                assertEquals(0, c.result());
            }
        }
    }

    @Test
    void aPartyKilledWhileItWaits_breaksTheBarrierForTheOthers() throws Exception {
        try (ProcessBarrier barrier = ProcessBarrier.create(3)) {
            JvmProcess<Integer> party = JvmProcess.builder().daemon(true).start(barrier::await);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (barrier.waiting() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, barrier.waiting());
            JvmProcess<String> sibling = JvmProcess.start(() -> {
                try {
                    barrier.await(Duration.ofSeconds(60));
                    return "passed";
                } catch (BrokenBarrierException e) {
                    return "broken";
                }
            });
            while (barrier.waiting() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            party.kill();
            assertEquals("broken", sibling.result());
            assertTrue(barrier.isBroken());
            assertThrows(BrokenBarrierException.class, barrier::await, "broken until reset");
            barrier.reset();
            assertFalse(barrier.isBroken());
        }
    }

    @Test
    void aPartyKilledBeforeItArrives_breaksTheNextRound() throws Exception {
        try (ProcessBarrier barrier = ProcessBarrier.create(2)) {
            JvmProcess<Void> party = JvmProcess.builder().daemon(true).start(() -> {
                barrier.await(); // round 1 with us
                Thread.sleep(600_000); // never comes to round 2
                return null;
            });
            barrier.await();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    barrier.await();
                    throw new AssertionError("round 2 passed without its other party");
                } catch (BrokenBarrierException expected) {
                    // the party's death broke it
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(100);
            party.kill();
            assertTrue(waiter.join(PATIENCE), "the waiter of round 2 was told");
        }
    }

    @Test
    void aTimeout_breaksTheBarrier_asInPythonAndJava() throws Exception {
        try (ProcessBarrier barrier = ProcessBarrier.create(2)) {
            assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(50)));
            assertTrue(barrier.isBroken());
        }
    }
}
