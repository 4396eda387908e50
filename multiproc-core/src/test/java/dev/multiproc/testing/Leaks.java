package dev.multiproc.testing;

import dev.multiproc.ProcessEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What a test counts to prove nothing was left behind: fds, platform threads, child processes. */
public final class Leaks {
    private Leaks() {}

    /** The number of fds open in this JVM now. */
    public static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of live platform threads in this JVM (virtual threads are not counted). */
    public static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The processes whose parent is this JVM, zombies included. */
    public static List<ProcessEntry> children() {
        long self = ProcessHandle.current().pid();
        return ProcessEntry.snapshot().stream().filter(e -> e.ppid() == self).toList();
    }

    /** Polls {@code condition} until it holds or {@code limit} passes; returns whether it held. */
    public static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
