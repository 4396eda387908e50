package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's {@code _TestProcess.test_wait_for_threads}: a child waits for the non-daemon threads
 * its task started before it exits (Python's rule and Java's own), and not for daemon threads.
 * The result is sent when the task returns.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessWaitForThreadsTest {

    @Test
    void test_wait_for_threads(@TempDir Path dir) throws Exception {
        String done = dir.resolve("non-daemon-done").toString();
        String daemonDone = dir.resolve("daemon-done").toString();
        JvmProcess<String> p = JvmProcess.start(() -> {
            Thread worker = new Thread(() -> {
                sleep(500);
                touch(done);
            });
            worker.start();
            Thread daemon = new Thread(() -> {
                sleep(60_000);
                touch(daemonDone);
            });
            daemon.setDaemon(true);
            daemon.start();
            return "returned";
        });
        assertEquals("returned", p.result());
        assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
        assertTrue(Files.exists(Path.of(done)), "the child waited for its non-daemon thread");
        assertTrue(Files.notExists(Path.of(daemonDone)), "and not for its daemon thread");
    }

    @Test
    void a_task_that_threw_waits_too_and_exits_1(@TempDir Path dir) throws Exception {
        String done = dir.resolve("done").toString();
        JvmProcess<String> p = JvmProcess.builder().stderr(Redirect.DISCARD).start(() -> {
            new Thread(() -> {
                sleep(500);
                touch(done);
            }).start();
            throw new IllegalStateException("thrown while a thread runs");
        });
        assertEquals(ExitStatus.exited(1), p.join());
        assertTrue(Files.exists(Path.of(done)), "the child waited for its non-daemon thread");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void touch(String file) {
        try {
            Files.writeString(Path.of(file), "done");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
