package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Procs;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A signal's name and number must never disagree, with each other or with the shell's {@code kill -l}. */
class SignalTest {

    @Test
    void of_number_roundTripFor1To64() {
        Set<Signal> seen = new HashSet<>();
        for (int n = 1; n <= 64; n++) {
            Signal signal = Signal.of(n);
            assertEquals(n, signal.number());
            seen.add(signal);
        }
        assertEquals(64, seen.size());
        assertEquals(64, Signal.values().length);
    }

    @Test
    void parse_acceptsEverySpelling() {
        for (Signal signal : Signal.values()) {
            String display = signal.displayName();
            String bare = display.substring("SIG".length());
            for (String text : new String[] {display, bare, bare.toLowerCase(Locale.ROOT), signal.name(),
                    Integer.toString(signal.number()), " " + display + " "}) {
                assertEquals(signal, Signal.parse(text), text);
            }
        }
    }

    @Test
    void names_wellKnown() {
        assertEquals(9, Signal.SIGKILL.number());
        assertEquals(15, Signal.SIGTERM.number());
        assertEquals(Signal.SIGRTMIN_PLUS_3, Signal.parse("RTMIN+3"));
        assertEquals(37, Signal.parse("RTMIN+3").number());
        assertEquals(63, Signal.parse("SIGRTMAX-1").number());
        assertEquals("SIGRTMAX-14", Signal.of(50).displayName());
    }

    @Test
    void names_agreeWithShellKillList() throws Exception {
        Assumptions.assumeTrue(Procs.output(Command.of("sh", "-c", "command -v bash")).contains("bash"),
                "bash is needed for its kill -l");
        String out = Procs.output(Command.of("bash", "-c",
                "for i in $(seq 1 64); do echo \"$i $(kill -l $i 2>/dev/null)\"; done"));
        int compared = 0;
        for (String line : out.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 2) { // bash names no signal 32 or 33 (glibc keeps them)
                assertEquals("SIG" + f[1], Signal.of(Integer.parseInt(f[0])).displayName(), line);
                assertEquals(Signal.of(Integer.parseInt(f[0])), Signal.parse(f[1]), line);
                compared++;
            }
        }
        assertEquals(62, compared, out);
    }
}
