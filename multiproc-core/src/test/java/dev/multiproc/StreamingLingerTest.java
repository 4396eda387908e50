package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The streaming readers end when the child has exited even if a descendant keeps its stdout
 * open, as {@code run()} and {@code communicate} do (the 250 ms rule): a shell's background
 * job used to keep {@code stdoutLines()} going for as long as the job lived. The child's own
 * output is never cut off, however slowly it is consumed.
 */
@Timeout(30)
class StreamingLingerTest {
    /** Prints the pid of a background sleep that inherits stdout and stderr, then exits. */
    private static final String LEAVES_A_HOLDER = "sleep 120 & echo $!; echo on-stderr >&2";

    private final List<Long> holders = new ArrayList<>();

    @AfterEach
    void killHolders() {
        holders.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void stdoutLines_endAfterTheChildExits_whileADescendantHoldsStdout() throws Exception {
        Subprocess p = Command.of("sh", "-c", LEAVES_A_HOLDER).start();
        List<String> lines;
        try (Stream<String> stream = p.stdoutLines()) {
            lines = stream.toList();
        }
        holders.add(Long.parseLong(lines.getFirst()));
        assertEquals(1, lines.size(), lines.toString());
        try (Stream<String> stream = p.stderrLines()) {
            assertEquals(List.of("on-stderr"), stream.toList());
        }
        assertTrue(ProcessEntry.isRunning(holders.getFirst()), "the holder still runs: the stream did not wait for it");
    }

    @Test
    void lineAndChunkCallbacks_completeAfterTheChildExits_whileADescendantHoldsThePipes() throws Exception {
        Subprocess p = Command.of("sh", "-c", LEAVES_A_HOLDER).start();
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        var out = p.forEachStdoutLine(lines::add);
        var err = p.forEachStderrChunk(errors::writeBytes);
        out.get(20, TimeUnit.SECONDS);
        err.get(20, TimeUnit.SECONDS);
        holders.add(Long.parseLong(lines.getFirst()));
        assertEquals("on-stderr\n", errors.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSlowConsumer_getsAllTheChildsOwnOutput() throws Exception {
        Subprocess p = Command.of("sh", "-c", "sleep 120 & echo $!; seq 1 30000").start();
        List<String> lines = new ArrayList<>();
        boolean[] pausedAfterTheExit = {false};
        try (Stream<String> stream = p.stdoutLines()) {
            stream.forEach(line -> {
                lines.add(line);
                if (lines.size() == 1) {
                    holders.add(Long.parseLong(line));
                }
                try {
                    if (lines.size() % 20 == 0) {
                        Thread.sleep(1); // slower than seq: the pipe is full when the child exits
                    }
                    if (!pausedAfterTheExit[0] && p.exitStatus().isPresent()) {
                        pausedAfterTheExit[0] = true;
                        Thread.sleep(500); // far past the 250 ms, with output still in the pipe
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertEquals(IntStream.rangeClosed(1, 30000).mapToObj(Integer::toString).collect(Collectors.toList()),
                lines.subList(1, lines.size()));
        assertTrue(pausedAfterTheExit[0], "the child exited while its output was read");
    }

    @Test
    void withoutADescendant_theStreamEndsAtEndOfFile() throws Exception {
        Subprocess p = Command.of("sh", "-c", "echo a; sleep 0.5; echo b").start();
        try (Stream<String> stream = p.stdoutLines()) {
            assertEquals(List.of("a", "b"), stream.toList());
        }
        Procs.awaitGone(p.pid());
    }
}
