package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.internal.ipc.ProcessDeaths;
import dev.multiproc.internal.ipc.SharedSegment;
import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 shared objects created, used and closed leave no memory file open, no mapping and no
 * watch behind. The memory files are counted, not the whole fd table: other tests' children,
 * pools and warm spares open and close fds of their own meanwhile.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IpcLeakTest {
    @Test
    void tenThousandObjectsCreatedAndClosed_leaveNoFdAndNoMapping() throws Exception {
        warmUp();
        long memoryFiles = memoryFiles();
        long maps = mappings();
        int mapped = SharedSegment.mappedCount();
        int watched = ProcessDeaths.get().watchedCount();
        for (int i = 0; i < 10_000; i++) {
            switch (i % 8) {
                case 0 -> {
                    try (SharedMemory m = SharedMemory.allocate(4096)) {
                        m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 0, i);
                    }
                }
                case 1 -> {
                    try (SharedLongArray a = SharedLongArray.create(16)) {
                        a.getAndAdd(3, i);
                    }
                }
                case 2 -> {
                    try (ProcessLock l = ProcessLock.create()) {
                        l.lock();
                        l.unlock();
                    }
                }
                case 3 -> {
                    try (ProcessLock l = ProcessLock.reentrant(); ProcessCondition c = l.newCondition()) {
                        l.lock();
                        c.signalAll();
                        l.unlock();
                    }
                }
                case 4 -> {
                    try (ProcessSemaphore s = ProcessSemaphore.bounded(2)) {
                        s.acquire();
                        s.release();
                    }
                }
                case 5 -> {
                    try (ProcessEvent e = ProcessEvent.create()) {
                        e.set();
                        e.await(java.time.Duration.ZERO);
                    }
                }
                case 6 -> {
                    try (ProcessBarrier b = ProcessBarrier.create(1)) {
                        b.await();
                    }
                }
                default -> {
                    try (SharedIntArray a = SharedIntArray.create(4); SharedDoubleArray d = SharedDoubleArray.create(4)) {
                        a.set(0, i);
                        d.set(0, i);
                    }
                }
            }
        }
        assertEquals(mapped, SharedSegment.mappedCount(), "mappings the library tracks");
        assertEquals(memoryFiles, memoryFiles(), "memory files open in this JVM");
        assertEquals(maps, mappings(), "memory files mapped by this JVM");
        assertEquals(watched, ProcessDeaths.get().watchedCount(), "watches");
    }

    private static void warmUp() throws Exception {
        try (ProcessEvent e = ProcessEvent.create()) {
            e.set();
        }
    }

    private static long memoryFiles() {
        return Procs.fdTargets(ProcessHandle.current().pid()).values().stream()
                .filter(t -> t.startsWith("/memfd:")).count();
    }

    private static long mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("memfd:multiproc")).count();
    }
}
