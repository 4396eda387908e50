package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer SIGKILLed at any moment gives a typed exception carrying its status, never a hang; every
 * message that arrived is whole, and a message its death cut short is dropped and reported.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectionPeerKilledTest {
    private static final ExitStatus KILLED = ExitStatus.signaled(Signal.SIGKILL, false);

    @Test
    void aStreamingPeer_killedAtARandomMoment_everyMessageWhole_thenATypedException() throws Exception {
        for (int round = 0; round < 4; round++) {
            try (Pipe<byte[]> pipe = Pipe.openOneWay()) {
                Connection<byte[]> out = pipe.right();
                JvmProcess<Void> child = JvmProcess.builder().daemon(true).start(() -> {
                    for (int i = 0; ; i++) {
                        byte[] m = new byte[1 + (i * 7919) % 300_000];
                        java.util.Arrays.fill(m, (byte) i);
                        out.send(m);
                    }
                });
                Connection<byte[]> in = pipe.left();
                int killAfter = ThreadLocalRandom.current().nextInt(1, 60);
                int received = 0;
                ConnectionClosedException end = null;
                while (end == null) {
                    try {
                        byte[] m = in.recv();
                        assertEquals(1 + (received * 7919) % 300_000, m.length, "message " + received + " whole");
                        for (byte b : m) {
                            assertEquals((byte) received, b);
                        }
                        if (++received == killAfter) {
                            child.kill();
                        }
                    } catch (ConnectionClosedException e) {
                        end = e;
                    }
                }
                assertEquals(Optional.of(KILLED), end.peerStatus(), end.getMessage());
                assertTrue(received >= killAfter);
            }
        }
    }

    @Test
    void aMessageCutByTheDeath_isDroppedAndReported() throws Exception {
        try (Pipe<byte[]> pipe = Pipe.openOneWay()) {
            Connection<byte[]> out = pipe.right();
            JvmProcess<Void> child = JvmProcess.builder().daemon(true).start(() -> {
                out.send(new byte[] {1, 2, 3});
                out.send(new byte[8 * 1024 * 1024]); // larger than any pipe: blocks part-way
                return null;
            });
            Connection<byte[]> in = pipe.left();
            assertArrayEquals(new byte[] {1, 2, 3}, in.recv());
            // wait until the pipe is full: the child is blocked inside its 8 MiB message
            long pid = child.pid();
            Procs.await("the child blocked in its send", () -> Procs.status(pid, "State").startsWith("S")
                    && pipeFull(in));
            child.kill();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, in::recv);
            assertEquals(Optional.of(KILLED), e.peerStatus());
            assertTrue(e.getMessage().contains("cut after") && e.getMessage().contains("of 8388617 bytes"),
                    e.getMessage());
            // and again: the end stays closed, nothing hangs
            assertThrows(ConnectionClosedException.class, () -> in.recv(Duration.ofSeconds(5)));
        }
    }

    @Test
    void sendingToAKilledPeer_throwsWithItsStatus() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            Connection<String> there = pipe.right();
            JvmProcess<Void> child = JvmProcess.builder().daemon(true).start(() -> {
                there.send("ready");
                Thread.sleep(60_000);
                return null;
            });
            assertEquals("ready", pipe.left().recv());
            child.kill();
            child.join();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    pipe.left().send("after the death " + i);
                }
            });
            assertEquals(Optional.of(KILLED), e.peerStatus(), e.getMessage());
        }
    }

    private static boolean pipeFull(Connection<byte[]> in) {
        try {
            return in.poll(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
