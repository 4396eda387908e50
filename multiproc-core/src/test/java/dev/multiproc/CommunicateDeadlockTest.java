package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * communicate() must never deadlock, whatever the sizes of input, stdout and stderr together,
 * nor lose output, on any kind of thread, however the output is spread in time.
 */
class CommunicateDeadlockTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void communicate_256MiBOut256MiBErr64MiBIn_allAtOnce() throws Exception {
        Path count = dir.resolve("count");
        // The child reads stdin while writing both outputs; no side can finish first.
        Subprocess child = Command.of("sh", "-c",
                "exec 3<&0; wc -c <&3 >\"$1\" & head -c 268435456 /dev/zero & head -c 268435456 /dev/zero >&2; wait",
                "sh", count.toString()).start();
        byte[] input = new byte[64 * MIB];
        new Random(7).nextBytes(input);

        CompletedProcess result = child.communicate(input, Duration.ofSeconds(150));

        assertEquals(ExitStatus.exited(0), result.exitStatus());
        assertEquals(256L * MIB, result.stdoutSize());
        assertEquals(256 * MIB, result.stderr().length);
        assertEquals(Integer.toString(64 * MIB), Files.readString(count).strip());
    }

    @Test
    void communicate_echoesLargeInputExactly() throws Exception {
        byte[] input = new byte[8 * MIB + 17];
        new Random(11).nextBytes(input);
        CompletedProcess result = Command.of("cat").start().communicate(input, Duration.ofSeconds(50));
        assertArrayEquals(input, result.stdout());
        assertTrue(result.exitStatus().success());
    }

    @Test
    void communicate_bothOutputsFullBeforeAnyInputIsRead() throws Exception {
        // Writes 4 MiB to each output first, reads stdin only afterwards.
        byte[] input = new byte[4 * MIB];
        CompletedProcess result = Command.of("sh", "-c",
                "head -c 4194304 /dev/zero; head -c 4194304 /dev/zero >&2; wc -c").start()
                .communicate(input, Duration.ofSeconds(50));
        assertEquals(4 * MIB + 8, result.stdout().length); // the zeros, then "4194304\n"
        assertEquals(4 * MIB, result.stderr().length);
    }

    @Test
    @Timeout(120)
    void communicate_onVirtualThreads_parksThroughTheEventLoopAndLosesNothing() throws Exception {
        // A platform thread polls its pipes itself for its first milliseconds; a virtual
        // thread never does: this is the other path, with both outputs full before stdin is read.
        byte[] input = new byte[2 * MIB];
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new java.util.ArrayList<java.util.concurrent.Future<CompletedProcess>>();
            for (int i = 0; i < 8; i++) {
                results.add(threads.submit(() -> Command.of("sh", "-c",
                        "head -c 2097152 /dev/zero; head -c 2097152 /dev/zero >&2; wc -c").start()
                        .communicate(input, Duration.ofSeconds(50))));
            }
            for (var result : results) {
                CompletedProcess r = result.get();
                assertEquals(2 * MIB + 8, r.stdout().length);
                assertEquals(2 * MIB, r.stderr().length);
            }
        }
    }

    @Test
    @Timeout(120)
    void communicate_ofOutputThatTricklesPastTheFirstMilliseconds_losesNothing() throws Exception {
        for (int round = 0; round < 40; round++) {
            CompletedProcess r = Command.of("sh", "-c",
                    "printf a; sleep 0.00$1; printf b >&2; sleep 0.00$1; printf c", "sh",
                    Integer.toString(round % 10)).start().communicate((byte[]) null, Duration.ofSeconds(50));
            assertEquals("ac", r.stdoutText(), "round " + round);
            assertEquals("b", r.stderrText(), "round " + round);
            assertEquals(ExitStatus.exited(0), r.exitStatus());
        }
    }
}
