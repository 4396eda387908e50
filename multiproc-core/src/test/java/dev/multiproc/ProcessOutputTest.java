package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A child's output is one type, whichever handle it comes from: a command's and a child JVM's
 * stdout and stderr are read as bytes, as lines, or by line and chunk callbacks, the same way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessOutputTest {
    enum Kind { COMMAND, JVM }

    /** The two handles with output, each printing "a", "b", "c" on stdout and "x", "y" on stderr. */
    private record Started(SignalTarget handle, ProcessOutput stdout, ProcessOutput stderr) {}

    private static Started start(Kind kind) throws Exception {
        return switch (kind) {
            case COMMAND -> {
                Subprocess p = Command.of("sh", "-c", "printf 'a\\nb\\nc\\n'; printf 'x\\ny\\n' >&2").start();
                yield new Started(p, p.stdout(), p.stderr());
            }
            case JVM -> {
                JvmProcess<Integer> p = JvmProcess.builder().stdout(Redirect.PIPE).stderr(Redirect.PIPE).start(() -> {
                    System.out.print("a\nb\nc\n");
                    System.err.print("x\ny\n");
                    return 0;
                });
                yield new Started(p, p.stdout(), p.stderr());
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void outputOfEitherHandle_readAsLines(Kind kind) throws Exception {
        Started p = start(kind);
        try (Stream<String> out = p.stdout().lines(); Stream<String> err = p.stderr().lines(StandardCharsets.UTF_8)) {
            assertEquals(List.of("a", "b", "c"), out.toList());
            assertEquals(List.of("x", "y"), err.toList());
        }
        assertTrue(p.handle().join(java.time.Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void outputOfEitherHandle_readByCallbacks(Kind kind) throws Exception {
        Started p = start(kind);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        var a = p.stdout().forEachLine(lines::add);
        var b = p.stderr().forEachChunk(chunk -> {
            synchronized (chunks) {
                chunks.writeBytes(chunk);
            }
        });
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", "c"), lines);
        assertEquals("x\ny\n", chunks.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void outputOfEitherHandle_readAsBytes(Kind kind) throws Exception {
        Started p = start(kind);
        assertEquals("a\nb\nc\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("x\ny\n", new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eitherHandle_givesTheSameOutputObjectEachTime(Kind kind) throws Exception {
        Started p = start(kind);
        switch (p.handle()) {
            case Subprocess s -> assertSame(s.stdout(), s.stdout());
            case JvmProcess<?> j -> assertSame(j.stdout(), j.stdout());
            case DetachedProcess _ -> throw new AssertionError();
        }
        p.stdout().close();
        p.stderr().close();
        p.handle().join(java.time.Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anOutputReadOneWay_refusesAnother_namingBoth(Kind kind) throws Exception {
        Started p = start(kind);
        assertEquals('a', p.stdout().read());
        IllegalStateException lines = assertThrows(IllegalStateException.class, () -> p.stdout().lines());
        assertTrue(lines.getMessage().contains("read as bytes") && lines.getMessage().contains("read as lines"),
                lines.getMessage());
        assertThrows(IllegalStateException.class, () -> p.stdout().forEachChunk(c -> { }));

        assertEquals("x", p.stderr().lines().findFirst().orElseThrow());
        IllegalStateException bytes = assertThrows(IllegalStateException.class, () -> p.stderr().read());
        assertTrue(bytes.getMessage().contains("stderr of"), bytes.getMessage());
        assertEquals(List.of("y"), p.stderr().lines().toList(), "lines asked for again go on");
        p.handle().join(java.time.Duration.ofSeconds(30));
    }

    @Test
    void aSecondCallback_isRefused() throws Exception {
        Subprocess p = Command.of("sh", "-c", "echo one; sleep 0.2; echo two").start();
        var first = p.stdout().forEachLine(line -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEachStdoutChunk(c -> { }));
        assertTrue(e.getMessage().contains("read by a callback"), e.getMessage());
        first.get(30, TimeUnit.SECONDS);
    }

    @Test
    void theSubprocessShortcuts_areTheOutputsOwnCalls() throws Exception {
        Subprocess p = Command.of("printf", "1\\n2\\n3\\n").start();
        assertEquals("1", p.stdout().lines().findFirst().orElseThrow());
        assertEquals(List.of("2", "3"), p.stdoutLines().toList(), "stdoutLines() goes on with stdout().lines()");
    }

    @Test
    void outputTakenByCommunicate_isRefused_andOutputTakenFirst_keepsCommunicateOff() throws Exception {
        Subprocess p = Command.of("echo", "hi").start();
        p.stdout();
        IllegalStateException e = assertThrows(IllegalStateException.class, p::communicate);
        assertTrue(e.getMessage().contains("stdout()"), e.getMessage());
        assertEquals("hi", p.stdoutLines().findFirst().orElseThrow());
    }
}
