package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.CompletedProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code multiproc member}: bad options and a non-loopback address without a key are refused, and say why. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemberCommandTest {
    @Test
    void aNonLoopbackAddressWithoutAKey_isRefused_beforeAnythingBinds() throws Exception {
        CompletedProcess r = Cli.run("member", "--bind", "192.0.2.10", "--port", "5799");
        assertEquals(1, r.exitStatus().exitCode().orElseThrow(), r.stderrText());
        assertTrue(r.stderrText().contains("requires a cluster key"), r.stderrText());
    }

    @Test
    void badOptions_nameTheBadValue() throws Exception {
        CompletedProcess r = Cli.run("member", "--workers", "0");
        assertEquals(2, r.exitStatus().exitCode().orElseThrow(), r.stderrText());
        assertTrue(r.stderrText().contains("workers must be at least 1: 0"), r.stderrText());
        r = Cli.run("member", "--join", "nowhere");
        assertEquals(2, r.exitStatus().exitCode().orElseThrow(), r.stderrText());
        assertTrue(r.stderrText().contains("nowhere"), r.stderrText());
    }
}
