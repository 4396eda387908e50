package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.DetachingParent;
import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A detached process must never be our child or our zombie, must lead its own session, and must outlive us however we end. */
class DetachedTest {
    @TempDir
    Path dir;

    @RepeatedTest(5)
    void detached_isNotOurChild_leadsItsOwnSession_andIsNeverOurZombie() throws Exception {
        try (DetachedProcess p = Command.of("sleep", "30").detached().start()) {
            ProcessEntry entry = ProcessEntry.of(p.pid()).orElseThrow();
            assertNotEquals(ProcessHandle.current().pid(), entry.ppid(), "a detached process must not be our child");
            assertEquals(p.pid(), entry.sid(), "it leads a new session");
            assertEquals(p.pid(), entry.pgid());
            assertTrue(p.isAlive());
            assertTrue(p.kill());
            p.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(p.isAlive());
            assertFalse(p.signal(Signal.SIGTERM), "after it ended, signalling does nothing");
            long pid = p.pid();
            assertTrue(Procs.children().stream().noneMatch(c -> c.pid() == pid), "it became our zombie");
        }
    }

    @Test
    @SuppressWarnings("deprecation") // DetachedProcess.waitFor(Duration), now join(Duration), still works
    void detached_hasDefaultSignalDispositionsAndAnEmptyMask() throws Exception {
        Path status = dir.resolve("status");
        try (DetachedProcess p = Command.of("sh", "-c", "cat /proc/self/status > \"$1\"", "sh", status.toString())
                .detached().start()) {
            assertTrue(p.waitFor(Duration.ofSeconds(10)));
        }
        String text = java.nio.file.Files.readString(status);
        assertTrue(text.contains("SigBlk:\t0000000000000000"), text);
        long ignored = Long.parseUnsignedLong(text.lines().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .orElseThrow().substring(7).strip(), 16);
        assertEquals(0, ignored & 0x7fffffffL, "a standard signal (1-31) is ignored: " + Long.toHexString(ignored));
    }

    @Test
    @SuppressWarnings("deprecation") // DetachedProcess.waitFor(Duration), now join(Duration), still works
    void detached_writesToAFileAndSeesItsEnvironmentAndDirectory() throws Exception {
        Path out = dir.resolve("out");
        try (DetachedProcess p = Command.of("sh", "-c", "echo \"$GREETING from $(pwd)\"").env("GREETING", "hello")
                .directory(dir).stdout(Redirect.to(out)).detached().start()) {
            assertTrue(p.waitFor(Duration.ofSeconds(10)));
        }
        assertEquals("hello from " + dir.toRealPath() + "\n", java.nio.file.Files.readString(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"return", "exit", "wait"})
    void detached_outlivesItsParent_howeverTheParentEnds(String how) throws Exception {
        Subprocess parent = Procs.java(List.of(), DetachingParent.class, how).stderr(Redirect.INHERIT).start();
        String line;
        try (var lines = parent.stdoutLines()) {
            line = lines.findFirst().orElseThrow();
        }
        long pid = Long.parseLong(line.strip());
        if (how.equals("wait")) {
            parent.kill();
        }
        parent.waitFor();
        Thread.sleep(200);
        assertTrue(ProcessEntry.isRunning(pid), "the detached process died with its parent (" + how + ")");
        Multiproc.killTree(pid, Duration.ZERO);
    }

    @Test
    void detachedWithPipes_isRefusedWhenBuilt_withTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Command.of("cat").stdout(Redirect.PIPE).detached());
        assertTrue(e.getMessage().contains("stdout of \"cat\" is PIPE"), e.getMessage());
        assertTrue(e.getMessage().contains("outlives this JVM"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Command.of("cat").stdin(Redirect.PIPE).detached());
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
                () -> Command.of("cat").input("x").detached());
        assertTrue(input.getMessage().contains("input"), input.getMessage());
    }

    @Test
    void missingProgram_failsToStart_leavingNothing() throws Exception {
        Procs.warmUp();
        Footprint before = Footprint.take();
        ProcessStartException e = assertThrows(ProcessStartException.class,
                () -> Command.of("no-such-program-at-all").detached().start());
        assertTrue(e.notFound(), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-program-at-all"), e.getMessage());
        before.assertNothingLeftBehind("a detached start that failed");
    }
}
