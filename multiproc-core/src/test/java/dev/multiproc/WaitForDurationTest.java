package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Zero and negative timeouts mean what they mean to Python and the JDK: the deadline has
 * passed, look once. They used to be refused as programming errors, but a remaining time that
 * has run out is not one, and the peers' users expect it. And {@code communicate} after writes
 * to {@code stdin()} sends its input after them, as Python's does (it used to be refused).
 *
 * <p>Mirrors the JDK's {@code test/jdk/java/lang/Process/WaitForDuration.java}
 * ({@code testEdgeDurations}, {@code testNullDuration}) and CPython's
 * {@code Lib/test/test_subprocess.py}: {@code ProcessTestCase.test_writes_before_communicate}
 * and {@code RunFuncTestCase.test_timeout} (a timeout of next to nothing kills the child).
 */
class WaitForDurationTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of(Duration.ZERO, false),
                Arguments.of(Duration.ofSeconds(-100), false),
                Arguments.of(Duration.ofSeconds(100), true),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE), true), // nano overflow
                Arguments.of(Duration.ofSeconds(Long.MIN_VALUE), false)); // nano underflow
    }

    @ParameterizedTest
    @MethodSource("durations")
    void testEdgeDurations_waitFor(Duration d, boolean expected) throws Exception {
        assertEquals(expected, Command.of("sleep", "3").start().waitFor(d).isPresent());
    }

    @ParameterizedTest
    @MethodSource("durations")
    void testEdgeDurations_communicate(Duration d, boolean expected) throws Exception {
        Subprocess p = Command.of("sleep", "3").start();
        if (expected) {
            assertEquals(ExitStatus.exited(0), p.communicate(null, d).exitStatus());
        } else {
            assertThrows(TimeoutExpiredException.class, () -> p.communicate(null, d));
            assertEquals(ExitStatus.exited(0), p.communicate().exitStatus());
        }
    }

    @Test
    @SuppressWarnings("deprecation") // DetachedProcess.waitFor(Duration), now join(Duration), still works
    void testEdgeDurations_aLookThatFindsItDone_returns() throws Exception {
        Subprocess p = Command.of("echo", "done").start();
        p.waitFor();
        assertEquals("done\n", p.communicate(null, Duration.ofSeconds(-1)).stdoutText());
        assertEquals(ExitStatus.exited(0), p.waitFor(Duration.ofSeconds(Long.MIN_VALUE)).orElseThrow());
        try (DetachedProcess d = Command.of("sleep", "1").detached().start()) {
            assertEquals(false, d.waitFor(Duration.ofSeconds(-1)));
            assertEquals(true, d.waitFor(Duration.ofSeconds(30)));
        }
    }

    @Test
    void testNullDuration() throws Exception {
        Subprocess p = Command.of("true").start();
        assertThrows(NullPointerException.class, () -> p.waitFor(null));
        assertThrows(NullPointerException.class, () -> Command.of("true").timeout(null));
        assertThrows(NullPointerException.class, () -> Pipeline.of(Command.of("true"), Command.of("true")).timeout(null));
        p.waitFor();
    }

    @Test
    void testTimeout_zeroOrNegativeForRun_killsTheTree() throws Exception {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-5)}) {
            // A sleep no other test runs, and its child: whether or not the child got to start
            // it before the deadline, nothing of the tree may be left running.
            String marker = "60.00" + (1000 + Math.abs(d.toMillis()));
            Command c = Command.of("sh", "-c", "sleep " + marker + " & exec sleep " + marker).timeout(d);
            TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class, c::run);
            assertEquals(d, e.timeout());
            Procs.await("no sleep " + marker + " left", () -> ProcessEntry.snapshot().stream()
                    .noneMatch(p -> p.commandLine().contains(marker) && !p.zombie()));
        }
        TimeoutExpiredException e = assertThrows(TimeoutExpiredException.class,
                () -> Pipeline.of(Command.of("sleep", "60"), Command.of("cat")).timeout(Duration.ofSeconds(-1)).run());
        assertEquals(Duration.ofSeconds(-1), e.timeout());
    }

    @Test
    void testWritesBeforeCommunicate() throws Exception {
        Subprocess p = Command.of("cat").start();
        p.stdin().write("banana".getBytes(StandardCharsets.UTF_8));
        CompletedProcess r = p.communicate("split".getBytes(StandardCharsets.UTF_8));
        assertEquals("bananasplit", r.stdoutText());
        assertEquals(ExitStatus.exited(0), r.exitStatus());
    }

    @Test
    void testWritesBeforeCommunicate_stdinClosedByTheCaller_refusesInputButNotAWait() throws Exception {
        Subprocess p = Command.of("cat").start();
        p.stdin().write("banana".getBytes(StandardCharsets.UTF_8));
        p.stdin().close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.communicate("split".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals("banana", p.communicate().stdoutText());
    }
}
