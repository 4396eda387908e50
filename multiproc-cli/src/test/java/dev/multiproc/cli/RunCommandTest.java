package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multiproc run} must never exit with another code than a shell would give for the same command. */
class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void run_passesExitCodeThrough() {
        for (int code : new int[] {0, 1, 7, 42, 255}) {
            assertEquals(code, run("run", "--", "sh", "-c", "exit " + code));
        }
    }

    @Test
    void run_withoutDoubleDash() {
        assertEquals(3, run("run", "sh", "-c", "exit 3"));
    }

    @Test
    void run_gives128PlusSignalNumber() {
        assertEquals(128 + 15, run("run", "--", "sh", "-c", "kill -TERM $$"));
        assertEquals(128 + 9, run("run", "--", "sh", "-c", "kill -KILL $$"));
        assertEquals(128 + 6, run("run", "--", "sh", "-c", "ulimit -c 0; kill -ABRT $$"));
    }

    @Test
    void run_gives127ForMissingProgram() {
        assertEquals(127, run("run", "--", "no-such-program-anywhere"));
        assertEquals(127, run("run", "--", tmp.resolve("missing").toString()));
    }

    @Test
    void run_gives126ForDirectory() {
        assertEquals(126, run("run", "--", tmp.toString()));
    }

    @Test
    void run_gives126ForFileThatIsNotExecutable() throws Exception {
        Path script = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(126, run("run", "--", script.toString()));
    }

    @Test
    void run_gives126ForExecutableThatIsNoProgram() throws Exception {
        Path junk = Files.write(tmp.resolve("junk"), new byte[] {0, 1, 2, 3});
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertEquals(126, run("run", "--", junk.toString()));
    }

    @Test
    void run_passesArgumentsExactly() {
        assertEquals(0, run("run", "--", "sh", "-c", "[ \"$1\" = 'a b' ] && [ \"$2\" = '' ] && [ $# = 2 ]", "sh", "a b", ""));
        assertEquals(1, run("run", "--", "sh", "-c", "[ $# = 3 ]", "sh", "a b", ""));
    }

    @Test
    void run_newSessionMakesChildSessionLeader() {
        String leadsSession = "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" = \"$$\" ]";

        assertEquals(0, run("run", "--new-session", "--", "sh", "-c", leadsSession));
        assertEquals(1, run("run", "--", "sh", "-c", leadsSession));
    }

    @Test
    void run_childInheritsThisProcesssStdout() throws Exception {
        Path seen = tmp.resolve("seen");

        assertEquals(0, run("run", "--", "sh", "-c", "link=$(readlink /proc/$$/fd/1); echo \"$link\" > " + seen));

        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString(), Files.readString(seen).strip());
    }

    @Test
    void run_withoutCommandIsAUsageError_exiting125AsGnuTimeoutDoes() {
        assertEquals(RunCommand.CANNOT_START, run("run"));
    }

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        return Main.commandLine().setErr(new PrintWriter(err)).execute(args);
    }
}
