package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streaming a child's output must not cost a thread per stream, must apply backpressure, and must not change the text. */
class StreamingTest {

    @Test
    void stdoutLines_areSplitAtNewlinesOnly() throws Exception {
        Subprocess child = Command.of("printf", "a\\nb\\r\\n\\nlast").start();
        try (Stream<String> lines = child.stdoutLines()) {
            assertEquals(List.of("a", "b\r", "", "last"), lines.toList());
        }
        assertTrue(child.waitFor().success());
    }

    @Test
    void stderrLines_inAnotherCharset() throws Exception {
        Subprocess child = Command.of("sh", "-c", "printf 'caf\\351\\n' >&2").start();
        try (Stream<String> lines = child.stderrLines(StandardCharsets.ISO_8859_1)) {
            assertEquals(List.of("café"), lines.toList());
        }
    }

    @Test
    void lines_inUtf16() throws Exception {
        byte[] utf16 = "één\nzwei\n".getBytes(StandardCharsets.UTF_16BE);
        Subprocess child = Command.of("cat").start();
        child.stdin().write(utf16);
        child.stdin().close();
        try (Stream<String> lines = child.stdoutLines(StandardCharsets.UTF_16BE)) {
            assertEquals(List.of("één", "zwei"), lines.toList());
        }
    }

    @Test
    void invalidUtf8_becomesReplacementCharacters() throws Exception {
        CompletedProcess r = Command.of("printf", "ok\\377\\376end\\n").run();
        assertEquals("ok\uFFFD\uFFFDend\n", r.stdoutText());
        assertArrayEquals(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe, 'e', 'n', 'd', '\n'}, r.stdout());
        Subprocess child = Command.of("printf", "\\377x\\n").start();
        assertEquals(List.of("\uFFFDx"), child.stdoutLines().toList());
    }

    @Test
    void text_keepsNewlinesAsWritten() throws Exception {
        assertEquals("a\r\nb\rc\n", Command.of("printf", "a\\r\\nb\\rc\\n").run().stdoutText());
        assertEquals("x", Command.of("printf", "x").run().stdoutText(Charset.forName("US-ASCII")));
    }

    @Test
    void forEachLine_callsBackForEachLineOfBothStreams() throws Exception {
        Subprocess child = Command.of("sh", "-c", "for i in 1 2 3; do echo o$i; echo e$i >&2; done").start();
        List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> err = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> a = child.forEachStdoutLine(out::add);
        CompletableFuture<Void> b = child.forEachStderrLine(err::add);
        CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);
        assertEquals(List.of("o1", "o2", "o3"), out);
        assertEquals(List.of("e1", "e2", "e3"), err);
    }

    @Test
    void forEachChunk_deliversEveryByte() throws Exception {
        Subprocess child = Command.of("head", "-c", "3000000", "/dev/urandom").start();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        child.forEachStdoutChunk(all::writeBytes).get(30, TimeUnit.SECONDS);
        assertEquals(3_000_000, all.size());
    }

    @Test
    void forEachLine_failingAction_failsTheFutureAndClosesThePipe() throws Exception {
        Subprocess child = Command.of("sh", "-c", "while :; do echo y; done").start();
        CompletableFuture<Void> done = child.forEachStdoutLine(line -> {
            throw new IllegalStateException("consumer broke");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertEquals("consumer broke", e.getCause().getMessage());
        // Its stdout is closed: the shell dies of SIGPIPE instead of writing forever.
        assertEquals(Signal.SIGPIPE, child.waitFor().signal().orElseThrow());
    }

    @Test
    void slowConsumer_holdsTheChildBackInsteadOfBuffering() throws Exception {
        Subprocess child = Command.of("head", "-c", "20000000", "/dev/zero").start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        CompletableFuture<Void> done = child.forEachStdoutChunk(chunk -> {
            received.addAndGet(chunk.length);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(500);
        assertTrue(child.isAlive(), "with the consumer stuck, the child must be blocked on a full pipe");
        assertTrue(received.get() <= 1 << 20, "read ahead " + received.get() + " bytes");
        release.countDown();
        done.get(30, TimeUnit.SECONDS);
        assertEquals(20_000_000, received.get());
        assertTrue(child.waitFor().success());
    }

    @Test
    @Timeout(120)
    void twoHundredStreamingChildren_addNoThreadPerStream() throws Exception {
        Command.of("true").run(); // the engine's own threads exist from here on
        int before = Procs.liveThreads().size();
        List<Subprocess> children = new ArrayList<>();
        List<CompletableFuture<Void>> pumps = new ArrayList<>();
        AtomicLong lines = new AtomicLong();
        AtomicLong peak = new AtomicLong();
        for (int i = 0; i < 200; i++) {
            Subprocess child = Command.of("sh", "-c",
                    "i=0; while [ $i -lt 50 ]; do echo out$i; echo err$i >&2; i=$((i+1)); sleep 0.01; done").start();
            children.add(child);
            pumps.add(child.forEachStdoutLine(l -> lines.incrementAndGet()));
            pumps.add(child.forEachStderrLine(l -> lines.incrementAndGet()));
            peak.accumulateAndGet(Procs.liveThreads().size(), Math::max);
        }
        for (CompletableFuture<Void> pump : pumps) {
            pump.get(90, TimeUnit.SECONDS);
            peak.accumulateAndGet(Procs.liveThreads().size(), Math::max);
        }
        for (Subprocess child : children) {
            assertTrue(child.waitFor().success());
        }
        assertEquals(200 * 100, lines.get());
        int added = (int) (peak.get() - before);
        // Virtual threads run on the JDK's carrier pool: at most one carrier per core, plus its spares.
        int allowance = Runtime.getRuntime().availableProcessors() + 8;
        assertTrue(added <= allowance, "200 children streaming 400 pipes added " + added + " platform threads");
    }

    @Test
    void textStreams_joinAsExpected() throws Exception {
        Subprocess child = Command.of("seq", "1", "1000").start();
        try (Stream<String> lines = child.stdoutLines()) {
            assertEquals(500500L, lines.collect(Collectors.summingLong(Long::parseLong)));
        }
        assertEquals(ExitStatus.exited(0), child.waitFor(Duration.ofSeconds(10)).orElseThrow());
    }
}
