package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input must never start a process, and never leave an fd, a thread or a child behind;
 * it gets a typed exception whose message names the offending value.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void warmUp() throws Exception {
        Procs.warmUp();
    }

    @Test
    void argv_empty() {
        rejected(IllegalArgumentException.class, () -> Command.of(), "empty");
        rejected(IllegalArgumentException.class, () -> Command.of(List.of()), "empty");
    }

    @Test
    void argv_emptyProgram() {
        rejected(IllegalArgumentException.class, () -> Command.of("", "x"), "argv[0]");
    }

    @Test
    void argv_null() {
        rejected(NullPointerException.class, () -> Command.of("echo", null), "argv[1]");
        rejected(NullPointerException.class, () -> Command.of((List<String>) null), "argv");
    }

    @Test
    void argv_nulByte() {
        rejected(IllegalArgumentException.class, () -> Command.of("echo", "ok", "bad\0arg"), "argv[2]", "bad\\0arg");
        rejected(IllegalArgumentException.class, () -> Command.of("ech\0o"), "argv[0]", "ech\\0o");
    }

    @Test
    void env_nulByteInName() {
        rejected(IllegalArgumentException.class, () -> Command.of("env").env("BAD\0NAME", "x"), "BAD\\0NAME");
        rejected(IllegalArgumentException.class, () -> Command.of("env").envRemove("BAD\0NAME"), "BAD\\0NAME");
        rejected(IllegalArgumentException.class,
                () -> Command.of("env").environment(Map.of("BAD\0NAME", "x")), "BAD\\0NAME");
    }

    @Test
    void env_nulByteInValue() {
        rejected(IllegalArgumentException.class, () -> Command.of("env").env("NAME", "bad\0value"),
                "NAME", "bad\\0value");
        rejected(IllegalArgumentException.class,
                () -> Command.of("env").environment(Map.of("NAME", "bad\0value")), "NAME", "bad\\0value");
    }

    @Test
    void env_equalsSignInName() {
        rejected(IllegalArgumentException.class, () -> Command.of("env").env("A=B", "x"), "A=B");
        rejected(IllegalArgumentException.class, () -> Command.of("env").envRemove("A=B"), "A=B");
        rejected(IllegalArgumentException.class, () -> Command.of("env").environment(Map.of("A=B", "x")), "A=B");
    }

    @Test
    void env_emptyOrNullName() {
        rejected(IllegalArgumentException.class, () -> Command.of("env").env("", "x"), "empty");
        rejected(NullPointerException.class, () -> Command.of("env").env(null, "x"), "name");
        rejected(NullPointerException.class, () -> Command.of("env").env("NAME", null), "value");
    }

    @Test
    void directory_nulByteIsRejectedByPath() {
        InvalidPathException e = rejected(InvalidPathException.class, () -> Path.of("/tmp/bad\0dir"), "/tmp/bad");
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("nul character"), e::getMessage);
    }

    @Test
    void directory_missing() {
        Path missing = tmp.resolve("no such dir");

        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of("true").directory(missing).start(), missing.toString(), "\"true\"");
        assertEquals("ENOENT", e.errorName());
    }

    @Test
    void directory_isAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");

        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of("true").directory(file).start(), file.toString(), "not a directory");
        assertEquals("ENOTDIR", e.errorName());
    }

    @Test
    void program_missing() {
        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of("no-such-program-anywhere", "arg").start(),
                "\"no-such-program-anywhere\"", Path.of("").toAbsolutePath().toString(), "No such file or directory");
        assertTrue(e.notFound());
        assertEquals("no-such-program-anywhere", e.program());
    }

    @Test
    void program_missingWithSlashAndDirectory() {
        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of("./not-here").directory(tmp).start(), "\"./not-here\"", tmp.toString(), "ENOENT");
        assertTrue(e.notFound());
    }

    @Test
    void program_isADirectory() {
        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of(tmp.toString()).start(), "\"" + tmp + "\"", "is a directory");
        assertTrue(e.notExecutable(), e::getMessage);
        assertFalse(e.notFound());
    }

    @Test
    void program_notExecutable() throws Exception {
        Path script = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of(script.toString()).start(), script.toString(), "EACCES", "Permission denied");
        assertTrue(e.notExecutable());
    }

    @Test
    void program_executableButNoProgram() throws Exception {
        Path junk = Files.write(tmp.resolve("junk"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rwxr-xr-x"));

        // A NUL byte in the first line: no script for /bin/sh either (the check bash makes)
        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of(junk.toString()).start(), junk.toString(), "ENOEXEC");
        assertTrue(e.notExecutable());
    }

    @Test
    void argv_longerThanTheKernelTakes() {
        String huge = "x".repeat(200_000); // above MAX_ARG_STRLEN (128 KiB) for one string

        ProcessStartException e = rejected(ProcessStartException.class,
                () -> Command.of("echo", huge).start(), "\"echo\"", "E2BIG");
        assertFalse(e.notFound());
        assertFalse(e.notExecutable());
    }

    @Test
    void redirect_inputFileMissing() {
        Path missing = tmp.resolve("missing-input");

        rejected(ProcessStartException.class,
                () -> Command.of("cat").stdin(Redirect.from(missing)).start(), missing.toString(), "stdin", "ENOENT");
    }

    @Test
    void redirect_outputFileInMissingDirectory() {
        Path bad = tmp.resolve("no-dir").resolve("out");

        rejected(ProcessStartException.class,
                () -> Command.of("echo").stderr(Redirect.to(bad)).start(), bad.toString(), "stderr", "ENOENT");
        rejected(ProcessStartException.class,
                () -> Command.of("echo").stdout(Redirect.appendTo(bad)).start(), bad.toString(), "stdout");
    }

    @Test
    void redirect_outputFileIsADirectory() {
        rejected(ProcessStartException.class,
                () -> Command.of("echo").stdout(Redirect.to(tmp)).start(), tmp.toString(), "EISDIR");
    }

    @Test
    void redirect_wrongDirection() {
        Path file = tmp.resolve("f");
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stdin(Redirect.TO_STDOUT), "TO_STDOUT");
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stdin(Redirect.to(file)), file.toString());
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stdin(Redirect.appendTo(file)), file.toString());
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stdout(Redirect.TO_STDOUT), "TO_STDOUT");
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stdout(Redirect.from(file)), file.toString());
        rejected(IllegalArgumentException.class, () -> Command.of("cat").stderr(Redirect.from(file)), file.toString());
        rejected(NullPointerException.class, () -> Command.of("cat").stdout(null), "redirect");
        rejected(NullPointerException.class, () -> Redirect.to(null), "file");
    }

    @Test
    void passFd_stdioNumbers() {
        for (int fd : new int[] {0, 1, 2, -1}) {
            rejected(IllegalArgumentException.class, () -> Command.of("true").passFd(fd), "passFd(" + fd + ")");
        }
    }

    @Test
    void passFd_closedFd() throws Exception {
        int fd = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        Fds.close(fd);

        rejected(IllegalArgumentException.class, () -> Command.of("true").passFd(fd).start(), "fd " + fd, "EBADF");
    }

    @Test
    void durations_negativeOrNull() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            assertEquals(Optional.empty(), p.waitFor(Duration.ofMillis(-1)), "a negative timeout looks once");
            rejected(NullPointerException.class, () -> p.waitFor(null), "timeout");
            rejected(IllegalArgumentException.class, () -> p.killTree(Duration.ofSeconds(-5)), "PT-5S");
            rejected(NullPointerException.class, () -> p.killTree(null), "grace");
            assertTrue(p.isAlive(), "a refused killTree killed nothing");
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void signalGroup_ofChildThatLeadsNoGroup() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            rejected(IllegalStateException.class, () -> p.signalGroup(Signal.SIGTERM), Long.toString(p.pid()));
            rejected(NullPointerException.class, () -> p.signal(null), "signal");
            assertTrue(p.isAlive());
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void subprocess_cannotExistWithoutStart() {
        for (Constructor<?> c : Subprocess.class.getDeclaredConstructors()) {
            assertFalse(Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers()),
                    "Subprocess has an accessible constructor: " + c);
        }
        assertEquals(0, Subprocess.class.getConstructors().length);
        assertTrue(Modifier.isFinal(Subprocess.class.getModifiers()), "Subprocess cannot be subclassed");
        for (Constructor<?> c : Command.class.getDeclaredConstructors()) {
            assertTrue(Modifier.isPrivate(c.getModifiers()), "Command is made by Command.of only: " + c);
        }
    }

    @Test
    void signal_numberOutOfRange() {
        for (int n : new int[] {0, -1, 65, Integer.MAX_VALUE}) {
            rejected(IllegalArgumentException.class, () -> Signal.of(n), Integer.toString(n));
        }
        rejected(IllegalArgumentException.class, () -> Signal.parse("SIGNOPE"), "SIGNOPE");
        rejected(IllegalArgumentException.class, () -> Signal.parse("99"), "99");
        rejected(IllegalArgumentException.class, () -> Signal.parse(""), "\"\"");
    }

    @Test
    void exitStatus_codeOutOfRange() {
        for (int code : new int[] {-1, 256}) {
            rejected(IllegalArgumentException.class, () -> ExitStatus.exited(code), Integer.toString(code));
        }
        rejected(NullPointerException.class, () -> ExitStatus.signaled(null, false), "killedBy");
    }

    /**
     * Runs {@code action}, which must throw exactly {@code type} with a message holding each of
     * {@code named}, and leave this JVM's fds, threads and children as they were.
     */
    private static <T extends Throwable> T rejected(Class<T> type, Executable action, String... named) {
        Footprint before = Footprint.take();
        T e = assertThrowsExactly(type, action);
        String message = String.valueOf(e.getMessage());
        for (String value : named) {
            assertTrue(message.contains(value), () -> "message does not name " + value + ": " + message);
        }
        before.assertNothingLeftBehind("after " + type.getSimpleName() + " \"" + message + "\"");
        return e;
    }
}
