package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import dev.multiproc.testing.RunMain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A program name must be looked up on PATH as execvp does it, never handed to a shell. */
class PathLookupTest {
    @TempDir
    Path tmp;

    @Test
    void program_foundInFirstPathDirectoryThatHasIt() throws Exception {
        Path expected = null;
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "sleep");
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                expected = candidate.toRealPath();
                break;
            }
        }
        Subprocess p = Procs.sleeper();
        try {
            assertEquals(expected, Path.of("/proc", Long.toString(p.pid()), "exe").toRealPath());
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void program_nameWithSpaceIsOneName() {
        ProcessStartException e = assertThrows(ProcessStartException.class,
                () -> Command.of("echo hello").start());

        assertTrue(e.notFound(), e::getMessage);
        assertTrue(e.getMessage().contains("\"echo hello\""), e::getMessage);
    }

    @Test
    @Timeout(120)
    void program_pathOrderWinsAndNonExecutableEntriesAreSkipped() throws Exception {
        Path first = Files.createDirectory(tmp.resolve("first"));
        Path second = Files.createDirectory(tmp.resolve("second"));
        Path third = Files.createDirectory(tmp.resolve("third"));
        script(first.resolve("mp-probe"), "first", "rw-r--r--"); // not executable: execvp goes on
        script(second.resolve("mp-probe"), "second", "rwxr-xr-x");
        script(third.resolve("mp-probe"), "third", "rwxr-xr-x");
        String path = first + ":" + second + ":" + third + ":" + System.getenv("PATH");

        String out = Procs.output(Procs.java(List.of(), RunMain.class, "mp-probe").env("PATH", path));

        assertEquals("second\n", out);
    }

    private static void script(Path file, String says, String permissions) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho " + says + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }
}
