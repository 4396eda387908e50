package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import dev.multiproc.testing.SigchildIgnoredMain;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With SIGCHLD set to ignored after the engine started, the kernel reaps each child itself and
 * {@code waitid} answers ECHILD. The child is still complete once it exited: waits return,
 * {@code isAlive()} turns false, the pidfd is closed, and nothing spins. The status is the
 * kernel's record of it where the kernel keeps one for the pidfd (Linux 6.15), else exit 0, as
 * CPython reports. It used to hang every wait and log "event handler failed" in a tight loop.
 *
 * <p>Mirrors CPython's {@code Lib/test/test_subprocess.py}:
 * {@code POSIXProcessTestCase.test_wait_when_sigchild_ignored} (with
 * {@code subprocessdata/sigchild_ignore.py}: {@code wait()}, then a {@code poll()} loop).
 */
class WaitWhenSigchildIgnoredTest {

    @Test
    @Timeout(120)
    void waitWhenSigchildIgnored() throws Exception {
        CompletedProcess r = Procs.java(List.of(), SigchildIgnoredMain.class).stdin(Redirect.DISCARD).run();
        String out = r.stdoutText();
        String err = r.stderrText();
        assertEquals(ExitStatus.exited(0), r.exitStatus(), out + err);
        assertFalse(err.contains("event handler failed"), err);
        boolean kept = kernelKeepsExitStatuses();
        List<String> lines = out.lines().toList();
        assertTrue(lines.getFirst().startsWith("ignored"), out);
        assertEquals(List.of(
                "waitFor " + (kept ? ExitStatus.exited(3) : ExitStatus.exited(0)),
                "poll " + (kept ? ExitStatus.exited(5) : ExitStatus.exited(0)),
                "timed " + (kept ? ExitStatus.signaled(Signal.SIGKILL, false) : ExitStatus.exited(0)),
                "run albatross"), lines.subList(1, 5), err);
        // A child that ends before its pidfd is opened (the spawning thread descheduled for
        // that long, on a busy machine) has no status left: exit 0. Every wait returns.
        Matcher loop = Pattern.compile("loop \\{(exit 0=(\\d+))?(, )?(exit 3=(\\d+))?}").matcher(lines.get(5));
        assertTrue(loop.matches(), lines.get(5));
        int unknown = loop.group(2) == null ? 0 : Integer.parseInt(loop.group(2));
        int known = loop.group(5) == null ? 0 : Integer.parseInt(loop.group(5));
        assertEquals(300, unknown + known, lines.get(5));
        if (kept) {
            assertTrue(known > 0, "the kernel's statuses are read: " + lines.get(5));
        }
        assertEquals("fds 0", lines.get(6), err);
    }

    /** Linux 6.15 and later keep a child's exit status for its pidfd, even when nobody can wait for it. */
    private static boolean kernelKeepsExitStatuses() {
        String[] version = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(version[0]);
        int minor = Integer.parseInt(version[1]);
        return major > 6 || (major == 6 && minor >= 15);
    }
}
