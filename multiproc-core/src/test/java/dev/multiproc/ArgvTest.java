package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arguments must never be split, joined, expanded or altered on their way to the program. */
class ArgvTest {
    private static final List<String> AWKWARD = List.of(
            "plain", "two words", "", "'single'", "\"double\"", "$HOME", "${PATH}", "*", "~",
            "back\\slash", "new\nline", "tab\there", "héllo wörld ✓ 日本 🙂", "-n", "--", ";", "a|b",
            "`id`", "$(id)", "%s %d", " leading and trailing ");

    @Test
    void argv_reachesProgramExactly() throws Exception {
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
        argv.addAll(AWKWARD);

        String out = Procs.output(Command.of(argv));

        assertEquals(AWKWARD, nulSeparated(out));
    }

    @Test
    void argv_onlyEmptyArguments() throws Exception {
        String out = Procs.output(Command.of("printf", "%s\\0", "", "", ""));

        assertEquals(List.of("", "", ""), nulSeparated(out));
    }

    @Test
    void argv_isTheKernelsArgvByteForByte() throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "read line", "sh"));
        argv.addAll(AWKWARD);
        Subprocess p = Command.of(argv).start();
        try {
            // posix_spawn returns once the child is inside execve (vfork semantics), a moment
            // before the kernel has set up the new image's arguments: until then cmdline is empty.
            Path file = Path.of("/proc", Long.toString(p.pid()), "cmdline");
            assertTrue(Procs.poll(Procs.PATIENCE, () -> size(file) > 0), "cmdline stayed empty");
            byte[] cmdline = Files.readAllBytes(file);

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (String arg : argv) {
                expected.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
                expected.write(0);
            }
            assertArrayEquals(expected.toByteArray(), cmdline);
        } finally {
            p.stdin().close();
            p.close();
        }
    }

    @Test
    void command_reportsArgvAsGiven() throws Exception {
        List<String> argv = List.of("printf", "%s", "a b", "");
        Command command = Command.of(argv);
        Subprocess p = command.start();
        p.close();

        assertEquals(argv, command.argv());
        assertEquals(argv, p.command());
    }

    @Test
    void argv_builtFromArrayOrListAlike() {
        String[] array = {"echo", "x", ""};

        assertEquals(Command.of(array).argv(), Command.of(Arrays.asList(array)).argv());
    }

    /** The strings of {@code out}, each terminated by NUL. */
    static List<String> nulSeparated(String out) {
        List<String> parts = new ArrayList<>(Arrays.asList(out.split("\0", -1)));
        assertEquals("", parts.removeLast(), "output ends with NUL");
        return parts;
    }

    private static long size(Path file) {
        try {
            return Files.readAllBytes(file).length;
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
