package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A child's end must never be misreported: every exit code, every signal, the core-dump flag. */
class ExitStatusTest {
    private static final List<Signal> COMMON = List.of(Signal.SIGHUP, Signal.SIGINT, Signal.SIGQUIT,
            Signal.SIGABRT, Signal.SIGKILL, Signal.SIGSEGV, Signal.SIGPIPE, Signal.SIGALRM, Signal.SIGTERM,
            Signal.SIGUSR1, Signal.SIGUSR2, Signal.SIGRTMIN, Signal.SIGRTMAX);

    /** Core dumps, if any, land here rather than in the build's directory. */
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void exitCode_everyValue() throws Exception {
        for (int code = 0; code <= 255; code++) {
            ExitStatus status = quiet(Command.of("sh", "-c", "exit " + code)).start().waitFor();

            assertEquals(ExitStatus.exited(code), status);
            assertEquals(OptionalInt.of(code), status.exitCode());
            assertEquals(code == 0, status.success());
            assertEquals(Optional.empty(), status.signal());
            assertFalse(status.coreDumped());
            assertEquals(code, status.returncode());
            assertEquals(code, status.shellCode());
        }
    }

    @Test
    void signal_sentToChild() throws Exception {
        for (Signal signal : COMMON) {
            Subprocess p = Command.of("sh", "-c", "ulimit -c 0; echo ready; exec sleep 60")
                    .stdin(Redirect.DISCARD).stderr(Redirect.DISCARD).directory(tmp).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))) {
                assertEquals("ready", out.readLine());
                assertTrue(p.signal(signal), signal + " sent");

                assertKilledBy(signal, false, p.waitFor());
            }
        }
    }

    @Test
    void signal_raisedByChildItself() throws Exception {
        for (Signal signal : COMMON) {
            ExitStatus status = quiet(Command.of("sh", "-c", "ulimit -c 0; kill -" + signal.number() + " $$; sleep 60"))
                    .start().waitFor();

            assertKilledBy(signal, false, status);
        }
    }

    @Test
    void coreDumped_whenKernelWritesCore() throws Exception {
        String pattern = Procs.sysctl("/proc/sys/kernel/core_pattern");
        Assumptions.assumeFalse(pattern.startsWith("|"),
                "core dumps go to a program (" + pattern + "): whether it writes one is not ours to know");
        Assumptions.assumeTrue(pattern.startsWith("/") ? Files.isWritable(Path.of(pattern).getParent())
                : Files.isWritable(tmp), "core files cannot be written where core_pattern says: " + pattern);
        Assumptions.assumeFalse(hardCoreLimitIsZero(), "the hard RLIMIT_CORE is 0: no process here may dump core");

        ExitStatus status = quiet(Command.of("sh", "-c", "ulimit -c unlimited; kill -SEGV $$")).directory(tmp)
                .start().waitFor();

        assertKilledBy(Signal.SIGSEGV, true, status);
        assertTrue(status.toString().contains("core dumped"), status::toString);
    }

    @Test
    void coreDumped_falseWhenLimitIsZero() throws Exception {
        ExitStatus status = quiet(Command.of("sh", "-c", "ulimit -c 0; kill -SEGV $$")).directory(tmp)
                .start().waitFor();

        assertKilledBy(Signal.SIGSEGV, false, status);
    }

    @Test
    void status_sameOnEveryWaitAndEveryAccessor() throws Exception {
        Subprocess p = quiet(Command.of("sh", "-c", "exit 7")).start();

        ExitStatus first = p.waitFor();
        for (int i = 0; i < 100; i++) {
            assertEquals(first, p.waitFor());
            assertEquals(Optional.of(first), p.waitFor(java.time.Duration.ZERO));
            assertEquals(Optional.of(first), p.exitStatus());
            assertEquals(first, p.onExit().join());
        }
        assertFalse(p.isAlive());
    }

    private static void assertKilledBy(Signal signal, boolean core, ExitStatus status) {
        assertEquals(ExitStatus.signaled(signal, core), status, signal.toString());
        assertEquals(Optional.of(signal), status.signal());
        assertEquals(OptionalInt.empty(), status.exitCode());
        assertFalse(status.success());
        assertEquals(core, status.coreDumped());
        assertEquals(-signal.number(), status.returncode());
        assertEquals(128 + signal.number(), status.shellCode());
    }

    private static Command quiet(Command command) {
        return command.stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }

    private static boolean hardCoreLimitIsZero() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max core file size")) {
                String[] fields = line.substring("Max core file size".length()).strip().split("\\s+");
                return fields[1].equals("0");
            }
        }
        return false;
    }
}
