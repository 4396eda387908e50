package dev.multiproc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fds sent over a Unix socket pair arrive as working copies, close-on-exec, in order, and nothing leaks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixSocketsTest {
    @Test
    void aPipesEnds_arriveAsWorkingCopies_inOrder_closeOnExec() throws Exception {
        int[] socket = UnixSockets.pair();
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try {
            UnixSockets.sendFds(socket[0], new int[] {pipe[0], pipe[1]});
            int[] got = UnixSockets.receiveFds(socket[1]);
            assertEquals(2, got.length);
            assertNotEquals(pipe[0], got[0], "a copy, not the same number");
            assertTrue((Fds.fcntl(got[0], Fds.F_GETFD, 0) & Fds.FD_CLOEXEC) != 0, "close-on-exec");
            assertTrue((Fds.fcntl(got[1], Fds.F_GETFD, 0) & Fds.FD_CLOEXEC) != 0, "close-on-exec");
            write(got[1], "through the copy");
            assertEquals("through the copy", read(pipe[0], 16));
            write(pipe[1], "into the original");
            assertEquals("into the original", read(got[0], 17));
            Fds.close(got[0]);
            Fds.close(got[1]);
        } finally {
            closeAll(socket);
            closeAll(pipe);
        }
    }

    @Test
    void batchesStayApart_andAClosedPeerGivesNothing() throws Exception {
        int[] socket = UnixSockets.pair();
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try {
            UnixSockets.sendFds(socket[0], new int[] {pipe[0]});
            UnixSockets.sendFds(socket[0], new int[] {pipe[1], pipe[0], pipe[1]});
            int[] first = UnixSockets.receiveFds(socket[1]);
            int[] second = UnixSockets.receiveFds(socket[1]);
            assertEquals(1, first.length);
            assertEquals(3, second.length);
            for (int fd : first) {
                Fds.close(fd);
            }
            for (int fd : second) {
                Fds.close(fd);
            }
            Fds.close(socket[0]);
            socket[0] = -1;
            assertArrayEquals(new int[0], UnixSockets.receiveFds(socket[1]));
        } finally {
            closeAll(socket);
            closeAll(pipe);
        }
    }

    @Test
    void aThousandBatches_leaveNoFdBehind() throws Exception {
        long before = openFds();
        int[] socket = UnixSockets.pair();
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        for (int i = 0; i < 1000; i++) {
            UnixSockets.sendFds(socket[0], pipe);
            for (int fd : UnixSockets.receiveFds(socket[1])) {
                Fds.close(fd);
            }
        }
        closeAll(socket);
        closeAll(pipe);
        assertEquals(before, openFds());
    }

    @Test
    void badInput_isNamed() throws Exception {
        int[] socket = UnixSockets.pair();
        try {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> UnixSockets.sendFds(socket[0], new int[0]));
            assertTrue(none.getMessage().contains("not 0"), none.getMessage());
            IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                    () -> UnixSockets.sendFds(socket[0], new int[UnixSockets.MAX_FDS_PER_MESSAGE + 1]));
            assertTrue(many.getMessage().contains("not 254"), many.getMessage());
            ErrnoException bad = assertThrows(ErrnoException.class,
                    () -> UnixSockets.sendFds(socket[0], new int[] {1_000_000}));
            assertEquals(Errno.EBADF, bad.errno());
            Fds.close(socket[1]);
            socket[1] = -1;
            ErrnoException gone = assertThrows(ErrnoException.class,
                    () -> UnixSockets.sendFds(socket[0], new int[] {socket[0]}));
            assertEquals(Errno.EPIPE, gone.errno(), gone.getMessage());
        } finally {
            closeAll(socket);
        }
    }

    private static void write(int fd, String text) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment buffer = arena.allocate(bytes.length);
            buffer.copyFrom(MemorySegment.ofArray(bytes));
            assertEquals(bytes.length, Fds.write(fd, buffer));
        }
    }

    private static String read(int fd, int length) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(length);
            long n = Fds.read(fd, buffer);
            return new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8);
        }
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                Fds.closeQuietly(fd);
            }
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
