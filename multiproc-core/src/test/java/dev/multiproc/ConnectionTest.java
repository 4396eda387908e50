package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages go through a pipe whole, in order, of every kind, between threads of one JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTest {
    record Point(int x, int y, List<String> tags) implements Serializable {}

    @Test
    void send_everyKindOfValue_arrivesEqual() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024 + 7];
        new Random(1).nextBytes(large);
        List<Object> values = List.of(42, -7L, 1.5, 2.5f, (short) 3, (byte) 4, 'x', true, false, "h\u00e9llo",
                new byte[] {1, 2, 3}, large, "x".repeat(200_000), new Point(1, 2, List.of("a", "b")),
                Map.of("k", List.of(1, 2)));
        try (Pipe<Object> pipe = Pipe.open()) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    for (Object v : values) {
                        pipe.right().send(v);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (Object expected : values) {
                Object got = pipe.left().recv();
                if (expected instanceof byte[] b) {
                    assertArrayEquals(b, (byte[]) got);
                } else {
                    assertEquals(expected, got);
                }
            }
            sender.get();
        }
    }

    @Test
    void duplex_bothEndsSendAndReceive() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            pipe.left().send("ping");
            assertEquals("ping", pipe.right().recv());
            pipe.right().send("pong");
            assertEquals("pong", pipe.left().recv());
        }
    }

    @Test
    void oneWay_leftOnlyReceives_rightOnlySends() throws Exception {
        try (Pipe<String> pipe = Pipe.openOneWay()) {
            pipe.right().send("one way");
            assertEquals("one way", pipe.left().recv());
            IllegalStateException send = assertThrows(IllegalStateException.class, () -> pipe.left().send("back"));
            assertTrue(send.getMessage().contains("receiving end"), send.getMessage());
            IllegalStateException recv = assertThrows(IllegalStateException.class, () -> pipe.right().recv());
            assertTrue(recv.getMessage().contains("sending end"), recv.getMessage());
        }
    }

    @Test
    void sendBytes_receivedByRecvBytes_andByRecv() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            pipe.right().sendBytes(new byte[] {9, 8});
            pipe.right().sendBytes(new byte[100_000]);
            assertArrayEquals(new byte[] {9, 8}, pipe.left().recvBytes());
            assertArrayEquals(new byte[100_000], (byte[]) pipe.left().recv());
        }
    }

    @Test
    void recvBytes_ofAnotherKind_refusesIt_andLeavesItForRecv() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            pipe.right().send("text");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pipe.left().recvBytes());
            assertTrue(e.getMessage().contains("a String"), e.getMessage());
            assertEquals("text", pipe.left().recv());
        }
    }

    @Test
    void recvWithTimeout_nothingSent_isEmpty_andZeroLooksOnce() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            assertEquals(Optional.empty(), pipe.left().recv(Duration.ofMillis(30)));
            assertEquals(Optional.empty(), pipe.left().recv(Duration.ZERO));
            assertEquals(Optional.empty(), pipe.left().recv(Duration.ofSeconds(-1)));
            pipe.right().send("now");
            assertEquals(Optional.of("now"), pipe.left().recv(Duration.ZERO));
        }
    }

    @Test
    void poll_saysWhetherAMessageIsThere_withoutTakingIt() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            assertFalse(pipe.left().poll(Duration.ofMillis(20)));
            pipe.right().send("x");
            assertTrue(pipe.left().poll(Duration.ofSeconds(5)));
            assertTrue(pipe.left().poll(Duration.ZERO));
            assertEquals("x", pipe.left().recv());
            assertFalse(pipe.left().poll(Duration.ZERO));
        }
    }

    @Test
    void virtualThreads_exchangeMessages() throws Exception {
        try (Pipe<Integer> pipe = Pipe.open()) {
            Thread echo = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        pipe.right().send(pipe.right().recv() + 1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Integer> last = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    int v = 0;
                    for (int i = 0; i < 2000; i++) {
                        pipe.left().send(v);
                        v = pipe.left().recv();
                    }
                    last.complete(v);
                } catch (Throwable t) {
                    last.completeExceptionally(t);
                }
            });
            assertEquals(2000, last.get());
            echo.join();
        }
    }

    @Test
    void manySenders_eachMessageArrivesWholeAndOnce() throws Exception {
        int senders = 4;
        int each = 500;
        try (Pipe<String> pipe = Pipe.open()) {
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int id = s;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            // some larger than the pipe, so that a message takes many writes
                            pipe.right().send(id + ":" + i + ":" + "y".repeat(i % 7 == 0 ? 70_000 : 10));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            int[] next = new int[senders];
            for (int n = 0; n < senders * each; n++) {
                String[] parts = pipe.left().recv().split(":");
                int id = Integer.parseInt(parts[0]);
                assertEquals(next[id]++, Integer.parseInt(parts[1]), "messages of one sender arrive in order");
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
