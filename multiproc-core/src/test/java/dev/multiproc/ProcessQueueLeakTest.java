package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.internal.ipc.SharedSegment;
import dev.multiproc.testing.Footprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 10,000 queues made, used, waited on and closed leave no fd, mapping or thread behind. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProcessQueueLeakTest {
    @Test
    void tenThousandQueues_madeUsedAndClosed_leaveNothingBehind() throws Exception {
        use(ProcessQueue.create(4)); // the machinery's own first-use threads and fds
        Footprint before = Footprint.take();
        int mappings = SharedSegment.mappedCount();
        long memfdMaps = memfdMappings();
        for (int i = 0; i < 10_000; i++) {
            use(ProcessQueue.create(1 + i % 100, 1024 + i % 5000));
        }
        assertEquals(mappings, SharedSegment.mappedCount(), "mappings");
        assertEquals(memfdMaps, memfdMappings(), "memory files mapped in /proc/self/maps");
        before.assertNothingLeftBehind("10,000 queues");
    }

    private static void use(ProcessQueue<Integer> q) throws Exception {
        try (q) {
            q.put(1);
            if (q.capacity() % 10 == 0) {
                Multiproc.waitReady(List.of(q), Duration.ofSeconds(10));
            }
            assertEquals(1, q.take());
            q.taskDone();
            q.join();
        }
    }

    private static long memfdMappings() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/memfd:")).count();
    }
}
