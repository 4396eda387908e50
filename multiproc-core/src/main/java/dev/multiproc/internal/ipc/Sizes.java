package dev.multiproc.internal.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The limits a shared object's size is checked against: what the machine can hold. */
public final class Sizes {
    private Sizes() {}

    /**
     * This machine's memory in bytes ({@code MemTotal} of {@code /proc/meminfo}): no shared
     * segment may be larger, as every byte of one that is used is memory.
     */
    public static long machineMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String[] f = line.substring(9).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Long.MAX_VALUE;
    }

    /**
     * Checks {@code bytes} for a new segment.
     *
     * @param call the call and its argument as the user wrote them, for the message
     * @throws IllegalArgumentException if {@code bytes} is not positive, or larger than this
     *     machine's memory; the message names both
     */
    public static void checkBytes(String call, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException(call + ": the size must be positive: " + bytes);
        }
        long most = machineMemory();
        if (bytes > most) {
            throw new IllegalArgumentException(call + ": " + bytes + " bytes is more than this machine's memory, "
                    + most + " bytes");
        }
    }
}
