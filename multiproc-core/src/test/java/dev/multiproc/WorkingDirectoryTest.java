package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child must never run in another directory than the one asked for. */
class WorkingDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void directory_defaultIsThisJvmsWorkingDirectory() throws Exception {
        assertEquals(Path.of("").toRealPath() + "\n", Procs.output(Command.of("pwd", "-P")));
    }

    @Test
    void directory_childRunsThere() throws Exception {
        assertEquals(tmp.toRealPath() + "\n", Procs.output(Command.of("pwd", "-P").directory(tmp)));
    }

    @Test
    void directory_withSpacesAndUnicodeInName() throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("a dir ✓ 'quoted' $x"));

        assertEquals(odd.toRealPath() + "\n", Procs.output(Command.of("pwd", "-P").directory(odd)));
    }

    @Test
    void directory_relativeIsResolvedAgainstThisJvmsWorkingDirectory() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(tmp.toAbsolutePath());

        assertEquals(tmp.toRealPath() + "\n", Procs.output(Command.of("pwd", "-P").directory(relative)));
    }

    @Test
    void directory_relativeProgramPathIsResolvedInTheChildsDirectory() throws Exception {
        Path script = tmp.resolve("here.sh");
        Files.writeString(script, "#!/bin/sh\necho ran from \"$(pwd -P)\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertEquals("ran from " + tmp.toRealPath() + "\n",
                Procs.output(Command.of("./here.sh").directory(tmp)));
    }
}
