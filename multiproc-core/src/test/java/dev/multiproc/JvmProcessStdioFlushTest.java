package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPython's {@code _TestProcess.test_error_on_stdio_flush_2}: a task that breaks its standard
 * streams (sets {@code System.out} or {@code System.err} to null, or to a closed stream, or to
 * one that throws) still gets its result back and its child exits 0; in a pool, the worker
 * survives and runs the next task.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JvmProcessStdioFlushTest {

    /** A stream whose every write and flush throws. */
    static final class Broken extends PrintStream {
        Broken() {
            super(OutputStream.nullOutputStream());
        }

        @Override
        public void flush() {
            throw new IllegalStateException("broken stream");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"out=null", "err=null", "out=closed", "err=closed", "out=broken", "both=null"})
    void test_error_on_stdio_flush_2(String action) throws Exception {
        JvmProcess<Integer> p = JvmProcess.start(() -> {
            System.out.print("unflushed ");
            breakStreams(action);
            return 42;
        });
        assertEquals(42, p.result());
        assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
    }

    @Test
    void a_pool_worker_survives_a_task_that_sets_system_out_to_null() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            assertEquals(42, pool.submit(() -> {
                breakStreams("both=null");
                return 42;
            }).get(60, TimeUnit.SECONDS));
            assertEquals(List.of(pid, pid), List.of(pid, pool.submit(() -> ProcessHandle.current().pid())
                    .get(60, TimeUnit.SECONDS)), "the same worker ran the next task");
        }
    }

    static void breakStreams(String action) {
        String[] what = action.split("=");
        PrintStream replacement = switch (what[1]) {
            case "null" -> null;
            case "closed" -> {
                PrintStream closed = new PrintStream(OutputStream.nullOutputStream());
                closed.close();
                yield closed;
            }
            default -> new Broken();
        };
        if (!what[0].equals("err")) {
            System.setOut(replacement);
        }
        if (!what[0].equals("out")) {
            System.setErr(replacement);
        }
    }
}
