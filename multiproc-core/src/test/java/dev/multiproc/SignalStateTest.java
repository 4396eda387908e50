package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import dev.multiproc.testing.SignalStateMain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child must never inherit a blocked signal or an ignored standard signal (1–31) from this
 * JVM. glibc itself sets its internal signals 32 and 33 to ignored in the child; that is expected.
 */
class SignalStateTest {
    /** Signals 1–31, as bits of a {@code /proc} signal mask. */
    private static final long STANDARD_SIGNALS = 0x7fff_ffffL;

    @Test
    void child_hasEmptyMaskAndNoIgnoredStandardSignal() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            assertEquals(0, mask(Procs.status(p.pid(), "SigBlk")), "SigBlk");
            assertEquals(0, mask(Procs.status(p.pid(), "SigIgn")) & STANDARD_SIGNALS,
                    "SigIgn " + Procs.status(p.pid(), "SigIgn"));
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    @Timeout(120)
    void child_ofJvmThatIgnoresAndBlocksSignalsGetsNoneOfThat() throws Exception {
        int[] ignored = {Signal.SIGINT.number(), Signal.SIGHUP.number(), Signal.SIGTERM.number()};
        int[] blocked = {Signal.SIGUSR1.number(), Signal.SIGALRM.number(), Signal.SIGWINCH.number()};
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "trap '' INT HUP TERM; exec \"$@\"", "sh"));
        argv.addAll(Procs.java(List.of(), SignalStateMain.class).argv());
        for (int signal : blocked) {
            argv.add(Integer.toString(signal));
        }

        Map<String, Long> seen = new HashMap<>();
        for (String line : Procs.output(Command.of(argv)).split("\n")) {
            int cut = line.lastIndexOf(' ');
            seen.put(line.substring(0, cut), mask(line.substring(cut + 1)));
        }

        // the set-up holds: else this test could not fail
        for (int signal : ignored) {
            assertTrue((seen.get("jvm SigIgn") & bit(signal)) != 0, "the JVM ignores " + signal + ": " + seen);
        }
        for (int signal : blocked) {
            assertTrue((seen.get("caller SigBlk") & bit(signal)) != 0, "the spawning thread blocks " + signal + ": " + seen);
        }
        assertEquals(0, seen.get("child SigBlk"), "child SigBlk");
        assertEquals(0, seen.get("child SigIgn") & STANDARD_SIGNALS, "child SigIgn");
    }

    private static long mask(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }
}
