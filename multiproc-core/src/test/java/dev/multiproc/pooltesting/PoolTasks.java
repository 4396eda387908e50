package dev.multiproc.pooltesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What tasks of the pool tests do in their workers, and what the tests look at from outside. */
public final class PoolTasks {
    /** Set by {@link #initialize}, in a worker. */
    private static volatile String initialized;

    private PoolTasks() {}

    /** The worker's pid. */
    public static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Sleeps, as a task that takes time. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Creates {@code file}, holding this worker's pid: the sign that a task ran, and where. */
    public static void touch(String file) {
        try {
            Files.writeString(Path.of(file), Long.toString(pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An initializer: records {@code value} in this worker. */
    public static String initialize(String value) {
        initialized = value + " in " + pid();
        return initialized;
    }

    /** What {@link #initialize} recorded in this worker, or null. */
    public static String initialized() {
        return initialized;
    }

    /** Allocates until the heap is exhausted. */
    public static int exhaustMemory() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 20]);
        }
    }

    /** Waits for {@code file} to hold a pid, and returns it. */
    public static long awaitPid(Path file, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(file).strip();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            } catch (IOException | NumberFormatException e) {
                // not written yet
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no pid in " + file + " within " + patience);
    }
}
