package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fds of pool tasks: none is left open in this JVM once the tasks are decided, whether they
 * ran, were cancelled before they started or were taken back by another worker; the worker's
 * socket stays in step with its pipe (every later task gets its own fds); and a worker that is
 * sent a segment it has seen before keeps one mapping and one fd of it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PoolCarriedFdsHygieneTest {
    /** The memory files of the library open in process {@code pid}. */
    static long memfds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("/memfd:multiproc-");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** The mappings of the library's memory files in process {@code pid}. */
    static long memfdMappings(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/maps"))) {
            return lines.filter(l -> l.contains("/memfd:multiproc-")).count();
        }
    }

    /** A task that reads its own array (the value tells whether it got the right fd) and closes it there. */
    private static CompletableFuture<Long> reader(ProcessPool pool, SharedLongArray own, SharedLongArray seen) {
        return pool.submit(() -> {
            try (own) {
                seen.getAndAdd(0, 1);
                return own.get(0);
            }
        });
    }

    @Test
    void cancelledAndStolenTasks_leaveNoFdHere_andLaterTasksGetTheirOwnFds() throws Exception {
        long self = ProcessHandle.current().pid();
        try (ProcessPool pool = ProcessPool.builder().workers(2).build();
             SharedLongArray seen = SharedLongArray.create(1)) {
            pool.map(x -> x, java.util.stream.IntStream.range(0, 2000).boxed().toList()); // windows open wide
            long before = memfds(self);
            for (int round = 0; round < 8; round++) {
                List<SharedLongArray> arrays = new ArrayList<>();
                List<CompletableFuture<Long>> futures = new ArrayList<>();
                // long tasks first, so that what follows waits in the workers' hands (stolen, or skipped when cancelled)
                List<CompletableFuture<Object>> sleepers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    sleepers.add(pool.submit(() -> {
                        Thread.sleep(150);
                        return null;
                    }));
                }
                for (int i = 0; i < 60; i++) {
                    SharedLongArray a = SharedLongArray.create(1);
                    a.set(0, 1000L * round + i);
                    arrays.add(a);
                    futures.add(reader(pool, a, seen));
                }
                for (int i = 0; i < 60; i += 3) {
                    futures.get(i).cancel(false);
                }
                for (CompletableFuture<Object> s : sleepers) {
                    s.get(60, TimeUnit.SECONDS);
                }
                for (int i = 0; i < 60; i++) {
                    CompletableFuture<Long> f = futures.get(i);
                    try {
                        assertEquals(1000L * round + i, f.get(60, TimeUnit.SECONDS),
                                "round " + round + ": task " + i + " read its own array");
                    } catch (java.util.concurrent.CancellationException e) {
                        assertTrue(i % 3 == 0, "only the tasks cancelled are cancelled");
                    }
                }
                arrays.forEach(SharedLongArray::close);
                assertEquals(before, memfds(self), "round " + round + ": no copy of a task's fd is left here");
            }
        }
    }

    @Test
    void manyTasksWithHandles_leaveNoFdInTheWorkers_andASegmentSeenBeforeIsMappedOnce() throws Exception {
        long self = ProcessHandle.current().pid();
        try (ProcessPool pool = ProcessPool.builder().workers(2).build();
             SharedLongArray seen = SharedLongArray.create(1)) {
            long before = memfds(self);
            int tasks = 400;
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            List<SharedLongArray> arrays = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                SharedLongArray a = SharedLongArray.create(1);
                a.set(0, i);
                arrays.add(a);
                futures.add(reader(pool, a, seen));
            }
            for (int i = 0; i < tasks; i++) {
                assertEquals(i, futures.get(i).get(60, TimeUnit.SECONDS));
            }
            arrays.forEach(SharedLongArray::close);
            assertEquals(tasks, seen.get(0));
            assertEquals(before, memfds(self), "no copy of a task's fd is left here");
            for (long pid : pool.workerPids()) {
                // each worker ran some of the tasks; what it keeps is the one segment seen by every task
                long fds = memfds(pid);
                long maps = memfdMappings(pid);
                assertTrue(fds <= 1, "worker " + pid + " holds " + fds + " memory files (the one seen before at most)");
                assertTrue(maps <= 1, "worker " + pid + " maps " + maps + " memory files (the one seen before, once)");
            }
        }
    }
}
