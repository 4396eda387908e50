package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A task's value or exception comes back from the child JVM intact. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessResultTest {
    record Point(int x, int y) implements Serializable {}

    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An exception that cannot be serialized: its field is not. */
    static final class Unsendable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"serial", "unused"})
        private final Object lock = new Object();

        Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void values_of_several_types_come_back() throws Exception {
        int n = 7;
        String s = "héllo";
        List<JvmProcess<?>> ps = List.of(
                JvmProcess.start(() -> n * 6),
                JvmProcess.start(() -> s + " wörld"),
                JvmProcess.start(() -> List.of(1, 2, n)),
                JvmProcess.start(() -> new TreeMap<>(Map.of("a", new Point(n, -n)))),
                JvmProcess.start(() -> null),
                JvmProcess.start(() -> new long[] {Long.MIN_VALUE, n}));
        assertEquals(42, ps.get(0).result());
        assertEquals("héllo wörld", ps.get(1).result());
        assertEquals(List.of(1, 2, 7), ps.get(2).result());
        assertEquals(new TreeMap<>(Map.of("a", new Point(7, -7))), ps.get(3).result());
        assertNull(ps.get(4).result());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, (long[]) ps.get(5).result());
        for (JvmProcess<?> p : ps) {
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
        }
    }

    @Test
    void a_64_MiB_result_comes_back() throws Exception {
        int size = 64 << 20;
        JvmProcess<byte[]> p = JvmProcess.start(() -> {
            byte[] b = new byte[size];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (i * 31);
            }
            return b;
        });
        byte[] b = p.result();
        assertEquals(size, b.length);
        assertEquals((byte) (12345 * 31), b[12345]);
        assertEquals((byte) ((size - 1) * 31), b[size - 1]);
    }

    @Test
    void result_returns_the_same_value_every_time() throws Exception {
        JvmProcess<List<String>> p = JvmProcess.start(() -> List.of("x"));
        assertSame(p.result(), p.result());
    }

    @Test
    void an_exception_comes_back_with_the_childs_stack() throws Exception {
        JvmProcess<String> p = JvmProcess.start(JvmProcessResultTest::failDeep);
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(Boom.class.getName(), e.remoteClassName().orElseThrow());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
        assertTrue(e.getMessage().contains("bad things"), e.getMessage());
        Boom boom = assertInstanceOf(Boom.class, e.getCause());
        assertEquals("bad things", boom.getMessage());
        assertTrue(Arrays.stream(boom.getStackTrace()).anyMatch(f -> f.getMethodName().equals("failDeep")),
                Arrays.toString(boom.getStackTrace()));
        assertTrue(Arrays.stream(boom.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("ChildMain")));
        assertInstanceOf(UncheckedIOException.class, boom.getCause());
        assertEquals(ExitStatus.exited(1), p.exitStatus().orElseThrow());
    }

    private static String failDeep() {
        throw new Boom("bad things", new UncheckedIOException("disk", new IOException("gone")));
    }

    @Test
    void an_exception_that_cannot_be_serialized_comes_back_as_a_stand_in() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            throw new Unsendable("cannot travel");
        });
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(Unsendable.class.getName(), e.remoteClassName().orElseThrow());
        Throwable cause = e.getCause();
        assertEquals(Unsendable.class.getName() + ": cannot travel", cause.toString());
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getClassName().startsWith(
                JvmProcessResultTest.class.getName())), Arrays.toString(cause.getStackTrace()));
    }

    @Test
    void a_checked_exception_and_an_error_come_back() throws Exception {
        JvmProcess<String> checked = JvmProcess.start(() -> {
            throw new IOException("no such file");
        });
        JvmProcess<String> error = JvmProcess.start(() -> {
            throw new StackOverflowError("deep");
        });
        assertInstanceOf(IOException.class, assertThrows(ChildFailedException.class, checked::result).getCause());
        assertInstanceOf(StackOverflowError.class, assertThrows(ChildFailedException.class, error::result).getCause());
    }
}
