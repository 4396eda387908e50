package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.CompletedProcess;
import dev.multiproc.ProcessEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multiproc run --timeout} must exit as GNU timeout does and leave nothing it started alive. */
class RunTimeoutCliTest {
    @TempDir
    Path dir;

    @Test
    void timeout_exits124AndKillsTheWholeTree() throws Exception {
        Path pids = dir.resolve("pids");
        CompletedProcess r = Cli.run("run", "--timeout", "500ms", "--grace", "200ms", "--", "sh", "-c",
                "echo $$ >> \"$1\"; sleep 100 & echo $! >> \"$1\"; (sleep 100 & echo $! >> \"$1\"; wait) & wait",
                "sh", pids.toString());
        assertEquals(124, r.exitStatus().returncode(), r.stderrText());
        assertNothingAlive(pids, 3);
    }

    @Test
    void normalExit_stillLeavesNothingAlive() throws Exception {
        Path pids = dir.resolve("pids");
        CompletedProcess r = Cli.run("run", "--", "sh", "-c",
                "sleep 100 & echo $! >> \"$1\"; setsid sleep 100 & echo $! >> \"$1\"; exit 3", "sh", pids.toString());
        assertEquals(3, r.exitStatus().returncode(), r.stderrText());
        assertNothingAlive(pids, 2);
    }

    @Test
    void signalOption_isSentFirst() throws Exception {
        Path seen = dir.resolve("seen");
        CompletedProcess r = Cli.run("run", "--timeout", "0.5", "--signal", "HUP", "--", "sh", "-c",
                "trap 'echo HUP > \"$1\"; exit 0' HUP; while :; do sleep 0.05; done", "sh", seen.toString());
        assertEquals(124, r.exitStatus().returncode());
        assertEquals("HUP", Files.readString(seen).strip());
    }

    @Test
    void graceRunsOutForAChildIgnoringTheSignal_thenKill() throws Exception {
        Path pid = dir.resolve("pid");
        CompletedProcess r = Cli.run("run", "--timeout", "300ms", "--grace", "300ms", "--", "sh", "-c",
                "trap '' TERM; echo $$ > \"$1\"; while :; do sleep 0.05; done", "sh", pid.toString());
        assertEquals(124, r.exitStatus().returncode());
        assertFalse(ProcessEntry.isRunning(Long.parseLong(Files.readString(pid).strip())));
    }

    @Test
    void noTimeout_passesTheStatusThrough() throws Exception {
        assertEquals(0, Cli.run("run", "--timeout", "30s", "--", "true").exitStatus().returncode());
        assertEquals(128 + 15, Cli.run("run", "--", "sh", "-c", "kill -TERM $$").exitStatus().returncode());
    }

    @Test
    void startFailures_exit127_126_125() throws Exception {
        CompletedProcess missing = Cli.run("run", "--", "no-such-program-anywhere");
        assertEquals(127, missing.exitStatus().returncode());
        assertTrue(missing.stderrText().contains("no-such-program-anywhere"), missing.stderrText());
        assertEquals(126, Cli.run("run", "--", dir.toString()).exitStatus().returncode());
        CompletedProcess badDuration = Cli.run("run", "--timeout", "soon", "--", "true");
        assertEquals(125, badDuration.exitStatus().returncode());
        assertTrue(badDuration.stderrText().contains("not a duration: \"soon\""), badDuration.stderrText());
        assertEquals(125, Cli.run("run", "--signal", "NOPE", "--", "true").exitStatus().returncode());
    }

    private static void assertNothingAlive(Path pidFile, int expected) throws Exception {
        List<String> pids = Files.readAllLines(pidFile);
        assertEquals(expected, pids.size(), pids.toString());
        for (String pid : pids) {
            assertFalse(ProcessEntry.isRunning(Long.parseLong(pid.strip())), "process " + pid + " outlived multiproc run");
        }
    }
}
