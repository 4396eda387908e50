package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timeout bounds a whole message: a receive that times out while a message arrives returns
 * nothing and loses nothing; the next one goes on with it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTimeoutTest {
    @Test
    void timeoutsInsideLargeMessages_loseNothing() throws Exception {
        try (Pipe<byte[]> pipe = Pipe.open()) {
            int messages = 20;
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        byte[] m = new byte[(i % 3 == 0 ? 3_000_000 : 50_000) + i];
                        java.util.Arrays.fill(m, (byte) i);
                        pipe.right().send(m);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int received = 0;
            int timeouts = 0;
            while (received < messages) {
                Optional<byte[]> m = pipe.left().recv(Duration.ofNanos(50_000));
                if (m.isEmpty()) {
                    timeouts++;
                    continue;
                }
                byte[] expected = new byte[(received % 3 == 0 ? 3_000_000 : 50_000) + received];
                java.util.Arrays.fill(expected, (byte) received);
                assertArrayEquals(expected, m.get(), "message " + received);
                received++;
            }
            sender.join();
            assertTrue(timeouts > 0, "the receives should have timed out inside messages");
        }
    }

    @Test
    void partOfAMessageHeldByATimedOutReceive_isReportedAsCut_whenThePeerDies() throws Exception {
        try (Pipe<byte[]> pipe = Pipe.openOneWay()) {
            Connection<byte[]> out = pipe.right();
            JvmProcess<Void> child = JvmProcess.builder().daemon(true).start(() -> {
                out.send(new byte[4_000_000]);
                return null;
            });
            assertTrue(pipe.left().poll(Duration.ofSeconds(30)));
            Thread.sleep(100); // the child fills the pipe, then waits for room
            child.signal(Signal.SIGSTOP); // and can write no more
            assertEquals(Optional.empty(), pipe.left().recv(Duration.ofMillis(20))); // takes part of the message
            child.kill();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> pipe.left().recv());
            assertTrue(e.getMessage().contains("cut after") && e.getMessage().contains("of 4000009 bytes")
                    && e.getMessage().contains("dropped"), e.getMessage());
            assertEquals(Optional.of(ExitStatus.signaled(Signal.SIGKILL, false)), e.peerStatus());
        }
    }
}
