package dev.multiproc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.ProcessPool;
import dev.multiproc.ProcessQueue;
import dev.multiproc.SharedLongArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's producer and consumers across a pool, run by the build (the README's copy is
 * compiled by multiproc-docs). Keep the code between the {@code // README} markers as the README shows it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolQueueExamplesTest {

    @Test
    void a_queue_consumed_by_the_workers_of_a_pool() throws Exception {
        // README: pool-queue
        try (ProcessPool pool = ProcessPool.builder().workers(3).build();
             ProcessQueue<String> jobs = ProcessQueue.create(1_000);
             SharedLongArray characters = SharedLongArray.create(1)) {
            List<CompletableFuture<Integer>> consumers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                consumers.add(pool.submit(() -> {      // a consumer in each worker
                    int taken = 0;
                    for (String job = jobs.take(); !job.equals("stop"); job = jobs.take()) {
                        characters.getAndAdd(0, job.length()); // the work; atomic, no lock
                        jobs.taskDone();
                        taken++;
                    }
                    jobs.taskDone();
                    return taken;
                }));
            }
            for (int i = 0; i < 10_000; i++) {
                jobs.put("job " + i);                  // the producer: this JVM
            }
            for (int w = 0; w < 3; w++) {
                jobs.put("stop");
            }
            jobs.join();                               // every message taken and marked done
            int taken = 0;
            for (CompletableFuture<Integer> consumer : consumers) {
                taken += consumer.get();
            }
            System.out.println(taken + " jobs, " + characters.get(0) + " characters"); // 10000 jobs, 78890 characters
        // README: end
            assertEquals(10_000, taken);
            assertEquals(78_890, characters.get(0));
        }
    }
}
