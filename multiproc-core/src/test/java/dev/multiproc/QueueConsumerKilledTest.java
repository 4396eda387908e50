package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A consumer SIGKILLed in the middle of a take does not lose the message: another consumer gets it, once. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QueueConsumerKilledTest {
    static final int LARGE = 24 << 20;

    @Test
    void aConsumerKilledMidTake_theMessageIsTakenAgain_whole() throws Exception {
        int caught = 0;
        for (int round = 0; round < 4 && caught < 2; round++) {
            try (ProcessQueue<byte[]> q = ProcessQueue.create(4, LARGE + 64)) {
                JvmProcess<Void> consumer = JvmProcess.builder().daemon(true).jvmOptions("-Xmx256m").start(() -> {
                    while (true) {
                        q.take();
                    }
                });
                Thread.sleep(200); // the consumer is asleep in take()
                q.put(QueueProducerKilledTest.message(9, round, LARGE));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (q.beingTaken() == 0 && q.size() > 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                consumer.signal(Signal.SIGSTOP);
                Procs.await("the consumer stopped", () -> Procs.status(consumer.pid(), "State").startsWith("T"));
                boolean midTake = q.beingTaken() == 1;
                consumer.kill();
                consumer.join();
                if (!midTake) {
                    continue; // it had finished its copy: try again
                }
                caught++;
                byte[] again = q.poll(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("the message was lost"));
                assertEquals(9 << 24 | round, QueueProducerKilledTest.check(again));
                assertEquals(0, q.size());
                assertEquals(0, q.beingTaken());
                assertTrue(q.poll(Duration.ofMillis(50)).isEmpty(), "and it comes once");
            }
        }
        assertTrue(caught > 0, "the consumer was never caught in the middle of a take");
    }

    @Test
    void aConsumerKilledHoldingMessagesNotDone_makesJoinThrow_notHang() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(10)) {
            for (int i = 0; i < 3; i++) {
                q.put(i);
            }
            JvmProcess<Void> consumer = JvmProcess.builder().daemon(true).start(() -> {
                q.take();
                q.taskDone();
                q.take(); // taken, never done
                Thread.sleep(60_000);
                return null;
            });
            Procs.await("the consumer took two", () -> q.size() == 1);
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                consumer.kill();
            });
            ConsumerDiedException e = org.junit.jupiter.api.Assertions.assertThrows(ConsumerDiedException.class, q::join);
            assertEquals(consumer.pid(), e.pid(), e.getMessage());
            assertEquals(1, e.lostTasks(), e.getMessage());
            killer.join();
            assertEquals(2, q.take(), "the message it had not taken is still there");
        }
    }
}
