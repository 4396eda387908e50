package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A pipe that cannot be made for want of fds is a start failure like any other: a
 * {@link ProcessStartException} naming the program, the stream and the errno, with nothing
 * left behind. It used to surface as the library's internal errno exception, naming no program.
 */
class PipeEmfileTest {

    @BeforeAll
    static void loadEverythingAFailedStartUses() throws Exception {
        Procs.warmUp();
        Command.of("true").run(); // and the guardian runs
        Pipeline.of(Command.of("true"), Command.of("true")).run();
    }

    @Test
    void noFdForTheStdinPipe() throws Exception {
        ProcessStartException e = withFreeFds(1, () -> Command.of("true").start());
        assertMessage(e, "\"true\"", "stdin", "EMFILE", "Too many open files");
        assertEquals("true", e.program());
        assertEquals("EMFILE", e.errorName());
    }

    @Test
    void noFdForTheStdoutPipe_closesTheStdinPipeAlreadyMade() throws Exception {
        ProcessStartException e = withFreeFds(3, () -> Command.of("cat").start());
        assertMessage(e, "\"cat\"", "stdout", "EMFILE");
    }

    @Test
    void noFdForThePipeBetweenStages_namesTheStage() throws Exception {
        ProcessStartException e = withFreeFds(1, () -> Pipeline.of(
                Command.of("echo", "x").stdin(Redirect.DISCARD).stderr(Redirect.DISCARD),
                Command.of("wc", "-c").stderr(Redirect.DISCARD)).run());
        assertMessage(e, "\"echo\"", "pipe", "next stage", "EMFILE");
    }

    /**
     * Runs {@code start} with only {@code free} fds left below this JVM's limit: it must throw
     * {@link ProcessStartException} and leave no fd, thread or process behind.
     */
    private static ProcessStartException withFreeFds(int free, Executable start) {
        Footprint before = Footprint.take();
        List<Integer> filler = new ArrayList<>();
        ProcessStartException e;
        try {
            fillFds(filler);
            for (int i = 0; i < free; i++) {
                Fds.closeQuietly(filler.removeLast());
            }
            e = assertThrows(ProcessStartException.class, start);
        } finally {
            filler.forEach(Fds::closeQuietly);
        }
        before.assertNothingLeftBehind("after \"" + e.getMessage() + "\"");
        return e;
    }

    /** Opens copies of fd 0 until the kernel says EMFILE; they go into {@code filler}. */
    private static void fillFds(List<Integer> filler) {
        int devNull;
        try {
            devNull = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
        filler.add(devNull);
        while (true) {
            try {
                filler.add(Fds.fcntl(devNull, Fds.F_DUPFD_CLOEXEC, 0));
            } catch (ErrnoException e) {
                assertEquals(Errno.EMFILE, e.errno(), e.getMessage());
                return;
            }
        }
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "no " + part + " in: " + e.getMessage());
        }
    }
}
