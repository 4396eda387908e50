package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** A communicate() timeout must not kill the child, and a later call must lose nothing. */
class CommunicateTimeoutTest {

    @Test
    void timeout_leavesChildRunningWithPartialOutput() throws Exception {
        Subprocess child = Command.of("sh", "-c", "echo first; exec sleep 30").start();
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class,
                () -> child.communicate(null, Duration.ofMillis(300)));
        assertEquals("first\n", e.stdoutText());
        assertEquals(Duration.ofMillis(300), e.timeout());
        assertTrue(child.isAlive(), "communicate's timeout must not kill the child");
        child.kill();
        assertEquals(Signal.SIGKILL, child.waitFor().signal().orElseThrow());
    }

    @RepeatedTest(20)
    void repeatedTimeouts_loseNothing() throws Exception {
        // 40 lines, 10 ms apart, read by many short calls: the last call returns all of them.
        Subprocess child = Command.of("sh", "-c",
                "i=0; while [ $i -lt 40 ]; do echo line$i; echo err$i >&2; i=$((i+1)); sleep 0.01; done").start();
        CompletedProcess done = null;
        int timeouts = 0;
        while (done == null) {
            try {
                done = child.communicate(null, Duration.ofMillis(20));
            } catch (TimeoutExpiredException e) {
                timeouts++;
                assertTrue(e.stdoutText().startsWith("line0\n") || e.stdoutText().isEmpty());
            }
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            out.append("line").append(i).append('\n');
            err.append("err").append(i).append('\n');
        }
        assertEquals(out.toString(), done.stdoutText());
        assertEquals(err.toString(), done.stderrText());
        assertTrue(timeouts > 0, "the test must actually time out at least once");
    }

    @Test
    void inputInterruptedByTimeout_isFinishedByTheNextCall() throws Exception {
        // The child starts reading only after 300 ms, so 4 MiB cannot all be written by then.
        byte[] input = new byte[4 * 1024 * 1024];
        new Random(3).nextBytes(input);
        Subprocess child = Command.of("sh", "-c", "sleep 0.3; exec cat").start();
        assertThrows(TimeoutExpiredException.class, () -> child.communicate(input, Duration.ofMillis(100)));
        CompletedProcess result = child.communicate(null, Duration.ofSeconds(30));
        assertEquals(input.length, result.stdout().length);
        assertEquals(new String(input, StandardCharsets.ISO_8859_1), new String(result.stdout(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void inputGivenTwice_isRefused() throws Exception {
        Subprocess child = Command.of("sh", "-c", "sleep 0.5; cat").start();
        assertThrows(TimeoutExpiredException.class, () -> child.communicate("a".getBytes(), Duration.ofMillis(50)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> child.communicate("b".getBytes(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("already called"), e.getMessage());
        assertEquals("a", child.communicate().stdoutText());
    }

    @Test
    void streamReadAfterCommunicate_isRefused() throws Exception {
        Subprocess child = Command.of("sh", "-c", "echo x").start();
        child.communicate();
        IllegalStateException e = assertThrows(IllegalStateException.class, child::stdout);
        assertTrue(e.getMessage().contains("communicate()"), e.getMessage());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(0, sink.size());
    }
}
