package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Two statuses that say the same must never differ in equals, hashCode or text, and two that differ must never be equal. */
class ExitStatusValueTest {

    @Test
    void exited_isAValue() {
        assertEquals(ExitStatus.exited(3), ExitStatus.exited(3));
        assertEquals(ExitStatus.exited(3).hashCode(), ExitStatus.exited(3).hashCode());
        assertEquals(new ExitStatus.Exited(3), ExitStatus.exited(3));
        assertNotEquals(ExitStatus.exited(3), ExitStatus.exited(4));
        assertEquals("exit 3", ExitStatus.exited(3).toString());
    }

    @Test
    void signaled_isAValue() {
        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), ExitStatus.signaled(Signal.SIGTERM, false));
        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false).hashCode(),
                ExitStatus.signaled(Signal.SIGTERM, false).hashCode());
        assertNotEquals(ExitStatus.signaled(Signal.SIGTERM, false), ExitStatus.signaled(Signal.SIGTERM, true));
        assertNotEquals(ExitStatus.signaled(Signal.SIGTERM, false), ExitStatus.signaled(Signal.SIGKILL, false));
        assertEquals("killed by SIGTERM", ExitStatus.signaled(Signal.SIGTERM, false).toString());
        assertEquals("killed by SIGSEGV (core dumped)", ExitStatus.signaled(Signal.SIGSEGV, true).toString());
        assertEquals("killed by SIGRTMIN+1", ExitStatus.signaled(Signal.SIGRTMIN_PLUS_1, false).toString());
    }

    @Test
    void exitedAndSignaled_neverEqual() {
        // 143 is how a shell reports SIGTERM; as a value it stays distinct
        assertNotEquals(ExitStatus.exited(143), ExitStatus.signaled(Signal.SIGTERM, false));
        assertEquals(ExitStatus.exited(143).shellCode(), ExitStatus.signaled(Signal.SIGTERM, false).shellCode());
    }

    @Test
    void codes_forEverySignal() {
        for (Signal signal : Signal.values()) {
            ExitStatus status = ExitStatus.signaled(signal, false);
            assertEquals(-signal.number(), status.returncode(), signal.toString());
            assertEquals(128 + signal.number(), status.shellCode(), signal.toString());
        }
    }

    @Test
    void switch_coversBothShapes() {
        assertEquals("code 5", describe(ExitStatus.exited(5)));
        assertEquals("signal 9 core false", describe(ExitStatus.signaled(Signal.SIGKILL, false)));
    }

    private static String describe(ExitStatus status) {
        return switch (status) {
            case ExitStatus.Exited(int code) -> "code " + code;
            case ExitStatus.Signaled(Signal signal, boolean core) -> "signal " + signal.number() + " core " + core;
        };
    }
}
