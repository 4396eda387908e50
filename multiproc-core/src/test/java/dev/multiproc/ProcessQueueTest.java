package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue between threads of one JVM: order, bounds, waiting, join, every kind of value. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessQueueTest {
    record Job(int id, String name) implements Serializable {}

    @Test
    void everyKindOfValue_comesOutEqual_inOrder() throws Exception {
        byte[] large = new byte[600_000];
        new Random(2).nextBytes(large);
        List<Object> values = List.of(1, 2L, 3.0, 'c', true, "text", new byte[] {1, 2}, large, new Job(7, "seven"),
                List.of("a", "b"));
        try (ProcessQueue<Object> q = ProcessQueue.create(100)) {
            for (Object v : values) {
                q.put(v);
            }
            assertEquals(values.size(), q.size());
            for (Object v : values) {
                Object got = q.take();
                if (v instanceof byte[] b) {
                    assertArrayEquals(b, (byte[]) got);
                } else {
                    assertEquals(v, got);
                }
            }
            assertEquals(0, q.size());
        }
    }

    @Test
    void aFullQueue_makesPutWait_andATimedPutGiveUp() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(2)) {
            q.put(1);
            assertTrue(q.put(2, Duration.ZERO));
            assertFalse(q.put(3, Duration.ofMillis(30)), "no room for a third");
            assertFalse(q.put(3, Duration.ZERO));
            Thread taker = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                    q.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            q.put(3); // waits for the taker
            taker.join();
            assertEquals(2, q.take());
            assertEquals(3, q.take());
        }
    }

    @Test
    void pollOnAnEmptyQueue_givesNothingAtTheDeadline() throws Exception {
        try (ProcessQueue<String> q = ProcessQueue.create(10)) {
            assertEquals(Optional.empty(), q.poll(Duration.ofMillis(20)));
            assertEquals(Optional.empty(), q.poll(Duration.ZERO));
            q.put("x");
            assertEquals(Optional.of("x"), q.poll(Duration.ZERO));
        }
    }

    @Test
    void manyProducersAndConsumers_platformAndVirtual_eachMessageOnce() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(16, 4096)) {
            int producers = 4;
            int each = 5000;
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * each;
                Thread.Builder builder = p % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                threads.add(builder.start(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            q.put(base + i);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            CountDownLatch all = new CountDownLatch(producers * each);
            for (int c = 0; c < 3; c++) {
                Thread.Builder builder = c % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
                builder.start(() -> {
                    try {
                        while (true) {
                            Integer n = q.take();
                            assertNull(seen.put(n, true), "message " + n + " twice");
                            all.countDown();
                        }
                    } catch (InterruptedException | ObjectClosedException e) {
                        // the end of the test
                    }
                });
            }
            assertTrue(all.await(50, TimeUnit.SECONDS), all.getCount() + " messages never came");
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(producers * each, seen.size());
        }
    }

    @Test
    void join_returnsWhenEveryMessageIsDone() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(100)) {
            q.join(); // nothing put: at once
            for (int i = 0; i < 20; i++) {
                q.put(i);
            }
            Thread worker = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        q.take();
                        Thread.sleep(1);
                        q.taskDone();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            q.join();
            worker.join();
            IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
            assertTrue(e.getMessage().contains("more times"), e.getMessage());
        }
    }

    @Test
    void waitReady_seesAMessageInTheQueue() throws Exception {
        try (ProcessQueue<String> q = ProcessQueue.create(10); Pipe<String> pipe = Pipe.open()) {
            List<Waitable> both = List.of(pipe.left(), q);
            assertEquals(List.of(), Multiproc.waitReady(both, Duration.ofMillis(20)));
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(30);
                    q.put("hello");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(List.of(q), Multiproc.waitReady(both, Duration.ofSeconds(30)));
            assertEquals("hello", q.take());
            for (int i = 0; i < 300; i++) {
                int n = i;
                Thread sender = Thread.ofPlatform().start(() -> {
                    try {
                        q.put("m" + n);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertEquals(List.of(q), Multiproc.waitReady(List.of(q), Duration.ofSeconds(30)), "round " + i);
                assertEquals("m" + n, q.take());
                sender.join();
            }
        }
    }
}
