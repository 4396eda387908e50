package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline must wire stages in the kernel, fail like pipefail, never hang on an early exit, and kill every stage at a timeout. */
class PipelineTest {
    @TempDir
    Path dir;

    @Test
    void twoStages_passDataThroughTheKernel() throws Exception {
        CompletedPipeline r = Pipeline.of(Command.of("printf", "b\\na\\nc\\n"), Command.of("sort")).run();
        assertEquals("a\nb\nc\n", r.stdoutText());
        assertEquals(List.of(ExitStatus.exited(0), ExitStatus.exited(0)), r.exitStatuses());
        assertTrue(r.check().exitStatus().success());
    }

    @Test
    void input_feedsTheFirstStage_andLargeDataFlows() throws Exception {
        CompletedPipeline r = Pipeline.of(Command.of("cat").input("x\n".repeat(1_000_000)),
                Command.of("cat"), Command.of("wc", "-l")).run();
        assertEquals("1000000", r.stdoutText().strip());
    }

    @Test
    void fiveStagesWithAFailingMiddleStage_failLikePipefail() throws Exception {
        CompletedPipeline r = Pipeline.of(
                Command.of("printf", "one\\ntwo\\n"),
                Command.of("cat"),
                Command.of("sh", "-c", "cat; echo middle-broke >&2; exit 3"),
                Command.of("cat"),
                Command.of("wc", "-l")).run();
        assertEquals("2", r.stdoutText().strip());
        assertEquals(ExitStatus.exited(3), r.exitStatus());
        assertEquals(ExitStatus.exited(3), r.stages().get(2).exitStatus());
        assertEquals("middle-broke\n", r.stages().get(2).stderrText());
        assertEquals(ExitStatus.exited(0), r.stages().get(4).exitStatus());
        ProcessFailedException e = assertThrows(ProcessFailedException.class, r::check);
        assertTrue(e.getMessage().contains("middle-broke"), e.getMessage());
    }

    @Test
    void rightmostFailure_decides() throws Exception {
        CompletedPipeline r = Pipeline.of(Command.of("sh", "-c", "exit 2"), Command.of("sh", "-c", "cat; exit 5"),
                Command.of("cat")).run();
        assertEquals(ExitStatus.exited(5), r.exitStatus());
    }

    @RepeatedTest(20)
    void earlyExit_givesTheStageBeforeSigpipeNotAHang() throws Exception {
        CompletedPipeline r = Pipeline.of(Command.of("yes"), Command.of("head", "-n", "2")).run();
        assertEquals("y\ny\n", r.stdoutText());
        assertEquals(ExitStatus.signaled(Signal.SIGPIPE, false), r.stages().getFirst().exitStatus());
    }

    @Test
    void timeout_killsEveryStageTree() throws Exception {
        Path pids = dir.resolve("pids");
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class, () -> Pipeline.of(
                        Command.of("sh", "-c", "echo $$ >> \"$1\"; sleep 100 & echo $! >> \"$1\"; wait", "sh", pids.toString()),
                        Command.of("sh", "-c", "echo $$ >> \"$1\"; exec cat", "sh", pids.toString()),
                        Command.of("sh", "-c", "echo $$ >> \"$1\"; sleep 100 & echo $! >> \"$1\"; cat; wait", "sh",
                                pids.toString()))
                .timeout(Duration.ofMillis(500)).timeoutGrace(Duration.ofMillis(300)).run());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        List<String> started = Files.readAllLines(pids);
        assertEquals(5, started.size(), started.toString());
        for (String pid : started) {
            assertTrue(Procs.poll(Duration.ofSeconds(5), () -> !ProcessEntry.isRunning(Long.parseLong(pid))),
                    "pipeline process " + pid + " survived the timeout");
        }
    }

    @Test
    void badStages_areRefusedWithTheReason() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.of(Command.of("cat")));
        assertTrue(one.getMessage().contains("at least two"), one.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> Pipeline.of(
                Command.of("echo").stdout(Redirect.to(dir.resolve("x"))), Command.of("cat")));
        assertTrue(out.getMessage().contains("stage 0 (echo) has stdout"), out.getMessage());
        IllegalArgumentException in = assertThrows(IllegalArgumentException.class, () -> Pipeline.of(
                Command.of("echo"), Command.of("cat").stdin(Redirect.INHERIT)));
        assertTrue(in.getMessage().contains("stage 1 (cat)"), in.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class, () -> Pipeline.of(
                Command.of("echo").timeout(Duration.ofSeconds(1)), Command.of("cat")));
        assertTrue(timeout.getMessage().contains("set the timeout on the pipeline"), timeout.getMessage());
    }

    @Test
    void aStageThatCannotStart_killsTheStagesAlreadyStarted() throws Exception {
        Procs.warmUp();
        Footprint before = Footprint.take();
        ProcessStartException e = assertThrows(ProcessStartException.class, () -> Pipeline.of(
                Command.of("sleep", "100"), Command.of("no-such-program-here")).run());
        assertTrue(e.getMessage().contains("no-such-program-here"), e.getMessage());
        assertTrue(Procs.poll(Duration.ofSeconds(5), () -> Procs.children().stream()
                .noneMatch(c -> c.commandLine().equals("sleep 100") && !c.zombie())), "the first stage survived");
        before.assertNothingLeftBehind("a pipeline whose second stage cannot start");
    }
}
