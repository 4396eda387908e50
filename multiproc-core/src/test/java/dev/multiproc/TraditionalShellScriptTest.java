package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import dev.multiproc.testing.RunArgvMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executable file without {@code #!} runs with {@code /bin/sh}, found on {@code PATH} as
 * {@code execvp} and the JDK's {@code ProcessBuilder} find it; glibc's {@code posix_spawnp}
 * alone fails with ENOEXEC.
 *
 * <p>Mirrors the JDK's {@code test/jdk/java/lang/ProcessBuilder/Basic.java}: "Test traditional
 * shell scripts without #!" and "Traditional shell scripts without #!" in its PATH search tests
 * (including "If prog found on both parent and child's PATH, parent's is used").
 */
class TraditionalShellScriptTest {
    @TempDir
    Path tmp;

    private Path script(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void traditionalShellScriptWithoutHashBang_byPath() throws Exception {
        Path prog = script(tmp.resolve("prog"), "/bin/echo \"$@\"\n");
        CompletedProcess r = Command.of(prog.toString(), "hello", "world").run();
        assertEquals("hello world\n", r.stdoutText());
        assertEquals(ExitStatus.exited(0), r.exitStatus());
    }

    @Test
    void traditionalShellScriptWithoutHashBang_exitStatusAndDollarZero() throws Exception {
        Path prog = script(tmp.resolve("prog"), "echo \"$0\"; exit 7\n");
        CompletedProcess r = Command.of(prog.toString()).run();
        assertEquals(prog + "\n", r.stdoutText(), "$0 is the file, as execvp gives it to the shell");
        assertEquals(ExitStatus.exited(7), r.exitStatus());
    }

    @Test
    void traditionalShellScriptWithoutHashBang_relativeToTheWorkingDirectory() throws Exception {
        script(tmp.resolve("dir1/prog"), "/bin/echo relative \"$@\"\n");
        CompletedProcess r = Command.of("./prog", "x").directory(tmp.resolve("dir1")).run();
        assertEquals("relative x\n", r.stdoutText());
    }

    @Test
    @Timeout(120)
    void traditionalShellScriptWithoutHashBang_foundOnPath() throws Exception {
        Path dir1 = tmp.resolve("dir1");
        Path dir2 = tmp.resolve("dir2");
        script(dir1.resolve("prog"), "/bin/echo \"$@\"\n");
        Files.createDirectories(dir2.resolve("prog")); // a directory named prog comes first: EACCES, the search goes on
        String path = dir2 + ":" + dir1 + ":" + System.getenv("PATH");
        CompletedProcess r = Procs.java(List.of(), RunArgvMain.class, "prog", "hello", "world")
                .env("PATH", path).stdin(Redirect.DISCARD).run();
        assertEquals("hello world\nexit 0\n", r.stdoutText(), r.stderrText());
    }

    @Test
    @Timeout(120)
    void traditionalShellScriptWithoutHashBang_parentsPathNotTheChilds() throws Exception {
        Path dir1 = tmp.resolve("dir1");
        Path dir3 = tmp.resolve("dir3");
        script(dir1.resolve("prog"), "echo from-dir1\n");
        script(dir3.resolve("prog"), "echo from-dir3\n");
        String path = dir1 + ":" + System.getenv("PATH");
        CompletedProcess r = Procs.java(List.of(), RunArgvMain.class, "--child-path=" + dir3, "prog")
                .env("PATH", path).stdin(Redirect.DISCARD).run();
        assertEquals("from-dir1\nexit 0\n", r.stdoutText(), r.stderrText());
    }

    @Test
    void aBinaryTheKernelCannotRun_isNoScript_andStaysAStartFailure() throws Exception {
        Path binary = tmp.resolve("binary");
        Files.write(binary, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, '\n', 'e', 'c', 'h', 'o'});
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessStartException e = assertThrows(ProcessStartException.class, () -> Command.of(binary.toString()).start());
        assertEquals("ENOEXEC", e.errorName());
        assertTrue(e.notExecutable());
        Path script = script(tmp.resolve("script"), "echo ok\n\0 after the first line\n");
        assertEquals("ok\n", Command.of(script.toString()).stderr(Redirect.DISCARD).run().stdoutText(),
                "a NUL after the first line does not make a script binary");
    }

    @Test
    void interpreterScriptsWithHashBang_stillRunAsBefore() throws Exception {
        Path prog = script(tmp.resolve("prog"), "#!/bin/echo hello\n");
        assertEquals("hello " + prog + " world\n", Command.of(prog.toString(), "world").run().stdoutText());
    }
}
