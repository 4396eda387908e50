package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.PrintenvMain;
import dev.multiproc.testing.Procs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Arguments and environment variables that are not UTF-8 text (a Latin-1 file name read from
 * the disk) pass as bytes, unchanged; text that has no UTF-8 form (a lone surrogate, which
 * used to become {@code ?} without a word) is refused, naming the argument or variable.
 */
class BytesArgumentsTest {
    /** "café" in Latin-1: not valid UTF-8. */
    private static final byte[] LATIN1 = {'c', 'a', 'f', (byte) 0xe9};

    @Test
    void bytesArguments_roundTripThroughPrintf() throws Exception {
        CompletedProcess r = Command.ofBytes(ascii("printf"), ascii("%s"), LATIN1).run();
        assertArrayEquals(LATIN1, r.stdout());

        byte[] all = new byte[256 - 1];
        for (int i = 1; i < 256; i++) {
            all[i - 1] = (byte) i;
        }
        byte[] escaped = new String(all, StandardCharsets.ISO_8859_1).replace("%", "%%")
                .replace("\\", "\\\\").getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(all, Command.ofBytes(ascii("printf"), escaped).run().stdout(),
                "every byte but NUL passes unchanged");
    }

    @Test
    void bytesArguments_showAsText_andComeBackAsGiven() {
        Command c = Command.ofBytes(List.of(ascii("ls"), LATIN1));
        assertEquals(List.of("ls", "caf\uFFFD"), c.argv());
        assertArrayEquals(LATIN1, c.argvBytes().get(1));
        c.argvBytes().get(1)[0] = 'X';
        assertArrayEquals(LATIN1, c.argvBytes().get(1), "argvBytes() gives copies");
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), Command.of("echo", "é").argvBytes().get(1));
    }

    @Test
    void bytesEnvironment_reachesTheChildUnchanged() throws Exception {
        byte[] name = {'N', 'A', 'M', (byte) 0xc9};
        CompletedProcess r = Command.of("sh", "-c", "printf %s \"$LATIN\"").envBytes(ascii("LATIN"), LATIN1).run();
        assertArrayEquals(LATIN1, r.stdout());
        // env(1) itself, not a shell: a shell drops a variable whose name is no shell name
        List<String> env = new String(Command.of("env").envBytes(name, ascii("value")).run().stdout(),
                StandardCharsets.ISO_8859_1).lines().toList();
        assertTrue(env.contains("NAM\u00c9=value"), env.toString());
    }

    @Test
    @Timeout(120)
    void thisJvmsOwnEnvironment_isPassedOnByteForByte() throws Exception {
        Command jvm = Procs.java(List.of(), PrintenvMain.class, "LATIN").envBytes(ascii("LATIN"), LATIN1);
        CompletedProcess r = jvm.stdin(Redirect.DISCARD).run();
        assertEquals(ExitStatus.exited(0), r.exitStatus(), r.stderrText());
        assertArrayEquals(concat(LATIN1, new byte[] {'\n'}), r.stdout());
    }

    @Test
    void textWithoutAUtf8Form_isRefusedByName() {
        refused(() -> Command.of("echo", "ok", "bad\uD800"), "argv[2]", "U+D800", "index 3");
        refused(() -> Command.of(List.of("\uDC00")), "argv[0]", "U+DC00");
        refused(() -> Command.of("env").env("NAME", "x\uDFFFy"), "the value of NAME", "U+DFFF");
        refused(() -> Command.of("env").env("N\uD800", "x"), "environment variable name", "U+D800");
        refused(() -> Command.of("env").envRemove("\uD800"), "environment variable name");
        refused(() -> Command.of("env").environment(Map.of("KEY", "\uDBFF")), "the value of KEY", "U+DBFF");
        assertEquals(List.of("echo", "\uD83D\uDE00"), Command.of("echo", "\uD83D\uDE00").argv(),
                "a surrogate pair is a character like any other");
    }

    @Test
    void bytesWithNul_orBadNames_areRefused() {
        refused(() -> Command.ofBytes(ascii("echo"), new byte[] {'a', 0, 'b'}), "argv[1]", "NUL", "index 1");
        refused(() -> Command.ofBytes(new byte[0]), "argv[0]");
        refused(() -> Command.ofBytes(List.of()), "empty");
        refused(() -> Command.of("env").envBytes(ascii("A=B"), ascii("x")), "'='");
        refused(() -> Command.of("env").envBytes(new byte[0], ascii("x")), "empty");
        refused(() -> Command.of("env").envBytes(ascii("A"), new byte[] {0}), "the value of A", "NUL");
        assertThrows(NullPointerException.class, () -> Command.ofBytes(ascii("echo"), null));
    }

    private static void refused(Executable action, String... named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        for (String part : named) {
            assertTrue(e.getMessage().contains(part), () -> "no " + part + " in: " + e.getMessage());
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
