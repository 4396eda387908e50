package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.Procs;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No fd of this JVM may ever reach a child except 0–2 and the ones passed with passFd. */
class FdInheritanceTest {
    /** {@code F_DUPFD} from {@code <fcntl.h>}: a copy without close-on-exec. */
    private static final int F_DUPFD = 0;

    @TempDir
    Path tmp;

    private final List<Integer> opened = new ArrayList<>();

    @AfterEach
    void closeOpened() {
        opened.forEach(Fds::closeQuietly);
    }

    @Test
    void fds_onlyStdioReachChildEvenWithoutCloseOnExec() throws Exception {
        int file = track(Fds.open("/dev/null", Fds.O_RDONLY, 0));
        int[] pipe = Fds.pipe2(0);
        track(pipe[0]);
        track(pipe[1]);
        int high = track(Fds.fcntl(file, F_DUPFD, 1000));
        for (int fd : new int[] {file, pipe[0], pipe[1], high}) {
            assertEquals(0, Fds.fcntl(fd, Fds.F_GETFD, 0) & Fds.FD_CLOEXEC, "fd " + fd + " is inheritable");
        }

        assertEquals(Set.of(0, 1, 2), fdsOfSleepingChild(Command.of("sleep", "60")).keySet());
    }

    @Test
    void fds_onlyStdioReachChildWithEveryRedirectKind() throws Exception {
        track(Fds.open("/dev/null", Fds.O_RDONLY, 0));
        Path in = Files.writeString(tmp.resolve("in"), "x");

        assertEquals(Set.of(0, 1, 2), fdsOfSleepingChild(Command.of("sleep", "60")
                .stdin(Redirect.from(in)).stdout(Redirect.to(tmp.resolve("out"))).stderr(Redirect.TO_STDOUT))
                .keySet());
        assertEquals(Set.of(0, 1, 2), fdsOfSleepingChild(Command.of("sleep", "60")
                .stdin(Redirect.INHERIT).stdout(Redirect.PIPE).stderr(Redirect.appendTo(tmp.resolve("err"))))
                .keySet());
    }

    @Test
    void passFd_givesChildThatFdAtTheSameNumber() throws Exception {
        Path file = tmp.resolve("passed.txt");
        int fd = track(Fds.open(file.toString(), Fds.O_WRONLY | Fds.O_CREAT | Fds.O_CLOEXEC, 0644));

        Map<Integer, String> fds = fdsOfSleepingChild(Command.of("sleep", "60").passFd(fd));

        assertEquals(Set.of(0, 1, 2, fd), fds.keySet());
        assertEquals(file.toRealPath().toString(), fds.get(fd));
    }

    @Test
    void passFd_highAndSeveralFds() throws Exception {
        int low = track(Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0));
        int high = track(Fds.fcntl(low, Fds.F_DUPFD_CLOEXEC, 1500));
        track(Fds.open("/dev/null", Fds.O_RDONLY, 0)); // not passed, not close-on-exec

        Map<Integer, String> fds = fdsOfSleepingChild(Command.of("sleep", "60").passFd(high).passFd(low));

        assertEquals(Set.of(0, 1, 2, low, high), fds.keySet());
    }

    @Test
    void passFd_childCanWriteThroughIt() throws Exception {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        track(pipe[0]);
        track(pipe[1]);

        Subprocess p = Command.of("sh", "-c", "echo through the passed fd > /proc/self/fd/" + pipe[1])
                .passFd(pipe[1]).stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();

        assertEquals(ExitStatus.exited(0), p.waitFor());
        byte[] buffer = new byte[100];
        long n = Fds.read(pipe[0], MemorySegment.ofArray(buffer));
        assertEquals("through the passed fd\n", new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
    }

    private int track(int fd) {
        opened.add(fd);
        return fd;
    }

    /** Starts {@code command}, which must sleep, and returns its fds once it sleeps. */
    private static Map<Integer, String> fdsOfSleepingChild(Command command) throws Exception {
        Subprocess p = command.start();
        try {
            Procs.awaitAsleep(p.pid());
            return Procs.fdTargets(p.pid());
        } finally {
            p.kill();
            p.close();
        }
    }
}
