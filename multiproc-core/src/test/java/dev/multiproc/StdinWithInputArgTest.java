package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose first stage reads a file refuses input, as {@code Command.run()} does: the
 * input could not reach the stage, and {@code Pipeline.run()} used to drop it without a word.
 *
 * <p>Mirrors CPython's {@code Lib/test/test_subprocess.py}:
 * {@code ProcessTestCase.test_check_output_stdin_with_input_arg} (stdin and input together are
 * a {@code ValueError}).
 */
class StdinWithInputArgTest {
    @TempDir
    Path tmp;

    @Test
    void checkOutputStdinWithInputArg_pipelineRefusesBeforeStartingAnything() throws Exception {
        Path file = Files.writeString(tmp.resolve("in"), "from the file\n");
        Pipeline pipeline = Pipeline.of(Command.of("cat").stdin(Redirect.from(file)).input("from input\n"),
                Command.of("cat"));
        Procs.warmUp();
        Footprint before = Footprint.take();
        IllegalStateException e = assertThrows(IllegalStateException.class, pipeline::run);
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        before.assertNothingLeftBehind("a refused pipeline");
    }

    @Test
    void checkOutputStdinWithInputArg_commandRefusesToo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Command.of("cat").stdin(Redirect.DISCARD).input("x").run());
        assertTrue(e.getMessage().contains("DISCARD"), e.getMessage());
    }

    @Test
    void aPipelineWithInputAndAPipe_feedsIt() throws Exception {
        CompletedPipeline r = Pipeline.of(Command.of("cat").input("fed\n"), Command.of("tr", "a-z", "A-Z")).run();
        assertEquals("FED\n", r.stdoutText());
    }
}
