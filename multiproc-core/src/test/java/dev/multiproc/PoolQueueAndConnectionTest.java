package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link ProcessQueue} and a {@link Connection} end given to pool tasks, whose workers run
 * already: their fds arrive over the worker's socket, and they work there.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PoolQueueAndConnectionTest {
    @Test
    void aProcessQueue_isConsumedByTheWorkersOfAPool_everyMessageOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (ProcessPool pool = ProcessPool.builder().workers(3).build();
                 ProcessQueue<Integer> work = ProcessQueue.create(64);
                 ProcessQueue<Integer> done = ProcessQueue.create(64)) {
                List<CompletableFuture<Integer>> consumers = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    consumers.add(pool.submit(() -> {
                        int n = 0;
                        while (true) {
                            int x = work.take();
                            if (x < 0) {
                                return n;
                            }
                            done.put(x * 2);
                            n++;
                        }
                    }));
                }
                Set<Integer> results = new HashSet<>();
                int messages = 1000;
                Thread producer = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < messages; i++) {
                            work.put(i);
                        }
                        for (int c = 0; c < 3; c++) {
                            work.put(-1);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                for (int i = 0; i < messages; i++) {
                    Optional<Integer> r = done.poll(Duration.ofSeconds(60));
                    assertTrue(r.isPresent(), "round " + round + ": result " + i + " came");
                    assertTrue(results.add(r.get()), "round " + round + ": " + r.get() + " came once");
                }
                producer.join();
                int consumed = 0;
                for (CompletableFuture<Integer> c : consumers) {
                    consumed += c.get(60, TimeUnit.SECONDS);
                }
                assertEquals(messages, consumed, "round " + round);
                assertEquals(messages, results.size());
            }
        }
    }

    @Test
    void aConnectionEnd_reportsProgressFromAPoolTask() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            for (int round = 0; round < 10; round++) {
                try (Pipe<String> pipe = Pipe.open()) {
                    Connection<String> progress = pipe.left();
                    Connection<String> reporter = pipe.right();
                    CompletableFuture<Integer> task = pool.submit(() -> {
                        try (reporter) {
                            for (int step = 1; step <= 5; step++) {
                                reporter.send("step " + step);
                            }
                            return Integer.parseInt(reporter.recv());
                        }
                    });
                    for (int step = 1; step <= 5; step++) {
                        assertEquals(Optional.of("step " + step), progress.recv(Duration.ofSeconds(60)));
                    }
                    progress.send(String.valueOf(round));
                    assertEquals(round, task.get(60, TimeUnit.SECONDS));
                }
            }
        }
    }
}
