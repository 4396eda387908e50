package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipe's {@code available()} says how much a read returns without waiting (it was always
 * 0), and throws once the stream is closed, as {@code FileInputStream}'s does; a second line
 * stream goes on with the lines of the first (it lost what the first had buffered), and a
 * second charset for the same lines is refused, naming both.
 *
 * <p>Mirrors the JDK's {@code test/jdk/java/lang/ProcessBuilder/Basic.java}, its "print4095"
 * check: "check that available reports all the bytes expected in the pipe buffer, and that
 * I/O operations do the expected things".
 */
class Print4095Test {
    private static final int SIZE = 4095;
    private static final String PRINT4095 = "head -c 4095 /dev/zero | tr '\\0' '!'; "
            + "head -c 4095 /dev/zero | tr '\\0' E >&2; exit 5";

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void print4095_availableReportsTheBytesInThePipe(boolean takenBeforeTheExit) throws Exception {
        Subprocess p = Command.of("sh", "-c", PRINT4095).stdin(Redirect.DISCARD).start();
        InputStream out = takenBeforeTheExit ? p.stdout() : null;
        InputStream err = takenBeforeTheExit ? p.stderr() : null;
        assertEquals(ExitStatus.exited(5), p.waitFor());
        if (!takenBeforeTheExit) {
            out = p.stdout(); // closed at the exit, what it held kept
            err = p.stderr();
        }
        assertEquals(SIZE, out.available());
        assertEquals(SIZE, err.available());

        byte[] bytes = new byte[SIZE + 1];
        assertEquals(SIZE, out.readNBytes(bytes, 0, SIZE));
        assertTrue(allAre(bytes, SIZE, (byte) '!'));
        assertEquals(SIZE, err.readNBytes(bytes, 0, SIZE));
        assertTrue(allAre(bytes, SIZE, (byte) 'E'));
        assertEquals(0, out.available());
        assertEquals(0, err.available());
        assertEquals(-1, out.read());
        assertEquals(-1, err.read());

        out.close();
        err.close();
        for (InputStream in : List.of(out, err)) {
            for (ThrowingCall op : List.<ThrowingCall>of(in::read, () -> in.read(bytes), in::available)) {
                IOException e = assertThrows(IOException.class, op::call);
                assertTrue(e.getMessage().matches("[Ss]tream [Cc]losed"), e.getMessage());
            }
        }
    }

    @Test
    void availableCountsWhatIsThere_whileTheChildRuns() throws Exception {
        Subprocess p = Command.of("sh", "-c", "printf 123456789; exec sleep 60").start();
        try {
            InputStream out = p.stdout();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (out.available() < 9 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(9, out.available());
            assertArrayEquals("1234".getBytes(StandardCharsets.US_ASCII), out.readNBytes(4));
            assertEquals(5, out.available());
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void stdoutLinesTwice_goesOnWithTheSameLines() throws Exception {
        Subprocess p = Command.of("printf", "a\\nb\\nc\\nd\\n").start();
        assertEquals("a", p.stdoutLines().findFirst().orElseThrow());
        try (Stream<String> rest = p.stdoutLines()) {
            assertEquals(List.of("b", "c", "d"), rest.toList());
        }
    }

    @Test
    void stdoutLinesInASecondCharset_isRefusedNamingBoth() throws Exception {
        Subprocess p = Command.of("printf", "a\\nb\\n").start();
        assertEquals("a", p.stdoutLines(StandardCharsets.UTF_8).findFirst().orElseThrow());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.stdoutLines(StandardCharsets.ISO_8859_1));
        assertTrue(e.getMessage().contains("UTF-8") && e.getMessage().contains("ISO-8859-1"), e.getMessage());
        assertEquals(List.of("b"), p.stdoutLines(StandardCharsets.UTF_8).toList());
    }

    @FunctionalInterface
    private interface ThrowingCall {
        Object call() throws IOException;
    }

    private static boolean allAre(byte[] bytes, int n, byte b) {
        for (int i = 0; i < n; i++) {
            if (bytes[i] != b) {
                return false;
            }
        }
        return true;
    }
}
