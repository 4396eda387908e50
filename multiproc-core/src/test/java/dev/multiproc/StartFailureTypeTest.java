package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure to start is a {@link ProcessStartException}, under {@link MultiprocException},
 * whether the child is a command, a child JVM or a pool's worker; it is worded the same way,
 * names the same errno for the same mistake, and leaves nothing behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartFailureTypeTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void warmUp() throws Exception {
        Procs.warmUp();
        JvmProcess.start(() -> 1).result();
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            pool.submit(() -> 1).get();
        }
    }

    @Test
    void aStartFailure_isAMultiprocException() {
        assertTrue(MultiprocException.class.isAssignableFrom(ProcessStartException.class));
    }

    @Test
    void aMissingDirectory_isTheSameFailureForACommandAJvmAndAPool() {
        Path missing = tmp.resolve("missing");
        ProcessStartException command = failsCleanly(() -> Command.of("true").directory(missing).start());
        ProcessStartException jvm = failsCleanly(() -> JvmProcess.builder().name("lost").directory(missing)
                .start(() -> 1));
        ProcessStartException pool = failsCleanly(() -> ProcessPool.builder().name("lost-pool").workers(1)
                .directory(missing).build());
        String tail = " (in directory \"" + missing + "\"): the directory does not exist";
        assertTrue(command.getMessage().endsWith(tail), command.getMessage());
        assertTrue(jvm.getMessage().endsWith(tail), jvm.getMessage());
        assertTrue(jvm.getMessage().contains("child JVM \"lost\""), jvm.getMessage());
        assertTrue(pool.getMessage().endsWith(tail), pool.getMessage());
        assertTrue(pool.getMessage().contains("child JVM \"lost-pool-worker-"), pool.getMessage());
        for (ProcessStartException e : new ProcessStartException[] {command, jvm, pool}) {
            assertEquals("ENOENT", e.errorName(), e.getMessage());
        }
    }

    @Test
    void aDirectoryThatIsAFile_isENOTDIR_forACommandAndAJvm() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        ProcessStartException command = failsCleanly(() -> Command.of("true").directory(file).start());
        ProcessStartException jvm = failsCleanly(() -> JvmProcess.builder().directory(file).start(() -> 1));
        for (ProcessStartException e : new ProcessStartException[] {command, jvm}) {
            assertEquals("ENOTDIR", e.errorName(), e.getMessage());
            assertTrue(e.getMessage().endsWith(": the directory is not a directory"), e.getMessage());
        }
    }

    @Test
    void aFailedJvmStart_isRememberedAsItsCause() {
        JvmProcess<Integer> p = JvmProcess.builder().directory(tmp.resolve("missing")).build(() -> 1);
        ProcessStartException e = assertThrowsExactly(ProcessStartException.class, p::start);
        IllegalStateException later = assertThrowsExactly(IllegalStateException.class, p::result);
        assertSame(e, later.getCause());
    }

    /** Runs {@code start}, which must throw exactly a {@link ProcessStartException} and leave nothing behind. */
    private static ProcessStartException failsCleanly(org.junit.jupiter.api.function.Executable start) {
        Footprint before = Footprint.take();
        ProcessStartException e = assertThrowsExactly(ProcessStartException.class, start);
        boolean clean = Procs.poll(Procs.PATIENCE, () -> {
            try {
                before.assertNothingLeftBehind("after \"" + e.getMessage() + "\"");
                return true;
            } catch (AssertionError notYet) {
                return false;
            }
        });
        if (!clean) {
            before.assertNothingLeftBehind("after \"" + e.getMessage() + "\"");
        }
        return e;
    }
}
