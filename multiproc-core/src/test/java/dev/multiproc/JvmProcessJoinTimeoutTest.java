package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's {@code _TestProcess._kill_process} ({@code join(0)} and {@code join(-1)} return at
 * once while the child runs): a zero or negative timeout means the deadline has passed, so
 * {@link JvmProcess#join(Duration)} looks once, as the JDK's {@code Process.waitFor(0, unit)}
 * does; it is not an error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessJoinTimeoutTest {

    @Test
    void join_zero_and_negative_look_once() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            Thread.sleep(60_000);
            return "slept";
        });
        assertFalse(p.join(Duration.ZERO));
        assertFalse(p.join(Duration.ofSeconds(-1)));
        assertFalse(p.join(Duration.ofNanos(Long.MIN_VALUE)));
        assertTrue(p.isAlive());
        p.kill();
        Procs.await("the child ends", () -> !p.isAlive());
        assertTrue(p.join(Duration.ZERO), "an ended child is seen at once");
        assertTrue(p.join(Duration.ofSeconds(-1)));
        assertEquals(-9, p.exitStatus().orElseThrow().returncode());
    }
}
