package dev.multiproc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.ChildFailedException;
import dev.multiproc.ExitStatus;
import dev.multiproc.JvmProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code JvmProcess} examples shown in the README, run by the build (the README's copy is
 * compiled by multiproc-docs). Keep the code between the {@code // README} markers as the README shows it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessExamplesTest {

    @Test
    void a_result() throws Exception {
        // README: result
        long n = 10_000_000;
        JvmProcess<Long> p = JvmProcess.start(() -> LongStream.rangeClosed(1, n).sum());
        long sum = p.result();                    // waits for the child, then returns its value
        System.out.println(sum + " from pid " + p.pid() + ", " + p.exitStatus().orElseThrow());
        // README: end
        assertEquals(n * (n + 1) / 2, sum);
    }

    @Test
    void an_exception() throws Exception {
        // README: exception
        JvmProcess<Integer> p = JvmProcess.start(() -> Integer.parseInt("forty-two"));
        try {
            p.result();
        } catch (ChildFailedException e) {
            System.out.println(e.remoteClassName().orElseThrow()); // java.lang.NumberFormatException
            System.out.println(e.exitStatus().orElseThrow());      // exit 1
            e.getCause().printStackTrace();                        // the child's stack trace
        }
        // README: end
        assertEquals(ExitStatus.exited(1), p.join());
    }

    @Test
    void a_daemon_child() throws Exception {
        // README: daemon
        JvmProcess<Void> heartbeat = JvmProcess.builder()
                .name("heartbeat")
                .daemon(true)                     // terminated when this JVM exits, as in Python
                .start(() -> {
                    while (true) {
                        Thread.sleep(1000);       // ... send a heartbeat somewhere
                    }
                });
        // ... main goes on; when it returns, the heartbeat child is terminated.
        // README: end
        assertTrue(heartbeat.isDaemon());
        assertTrue(heartbeat.isAlive());
        heartbeat.kill();
        assertTrue(heartbeat.join(Duration.ofSeconds(30)));
    }
}
