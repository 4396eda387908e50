package dev.multiproc.cli.lab;

import dev.multiproc.Task;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tasks the lab runs in child JVMs. Each is a lambda on a serializable interface. */
final class LabTasks {
    private LabTasks() {}

    /**
     * The seeds' {@code timeConsumingFunction}, scaled for a JIT: Python's ten million
     * increments take a JIT a few milliseconds, so this does {@code rounds} million steps of
     * a xorshift the compiler cannot fold away, and returns the result.
     */
    static Task<Long> timeConsuming(int millionRounds) {
        return () -> {
            long x = 88172645463325252L;
            for (long n = 0, end = millionRounds * 1_000_000L; n < end; n++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            return x;
        };
    }

    /** Sleeps {@code millis}, then writes {@code "done"} to {@code file}. */
    static Task<Void> sleepThenWrite(long millis, String file) {
        return () -> {
            Thread.sleep(millis);
            Files.writeString(Path.of(file), "done");
            return null;
        };
    }

    /** Sleeps {@code millis}. */
    static Task<Void> sleep(long millis) {
        return () -> {
            Thread.sleep(millis);
            return null;
        };
    }

    /** Returns this process's pid and its parent's, as "PID PPID". */
    static Task<String> whoAmI() {
        return () -> ProcessHandle.current().pid() + " " + ProcessHandle.current().parent().orElseThrow().pid();
    }
}
