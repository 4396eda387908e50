package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multiproc.internal.posix.Processes;
import dev.multiproc.testing.ChildrenFileMain;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The children file lives in a shared temporary directory: nobody else's directory, link or
 * planted file may make the library write anywhere but in a directory of its user's own, and
 * what it writes there is the user's alone (0700, 0600). Each case runs a JVM whose
 * {@code java.io.tmpdir} is a sticky, world-writable directory like {@code /tmp}, without
 * {@code XDG_RUNTIME_DIR}.
 */
class ChildrenFilePrivacyTest {
    private static final String SECRET = "root only\n";
    private static final String NOBODY = "65534";

    @TempDir
    Path scratch;

    /** A JVM publishing its children, with {@code tmp} as its temporary directory; stderr is collected. */
    private record Publisher(Subprocess process, long pid, List<String> stderr) {
        void startChild() throws Exception {
            OutputStream in = process.stdin();
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
        }

        void exit() throws Exception {
            try (OutputStream in = process.stdin()) {
                in.write("end\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals(0, process.waitFor().returncode(), "the publisher ended normally: " + stderr);
        }

        boolean warned() {
            synchronized (stderr) {
                return stderr.stream().anyMatch(l -> l.contains("not publishing this JVM's children"));
            }
        }
    }

    private static Publisher publisher(Path tmp) throws Exception {
        Subprocess p = Procs.java(List.of("-Djava.io.tmpdir=" + tmp), ChildrenFileMain.class)
                .envRemove("XDG_RUNTIME_DIR").stdin(Redirect.PIPE).stderr(Redirect.PIPE).start();
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.stderr(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    stderr.add(line);
                }
            } catch (Exception e) {
                stderr.add("reading failed: " + e);
            }
        });
        String pid = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.US_ASCII)).readLine();
        return new Publisher(p, Long.parseLong(pid), stderr);
    }

    /** A sticky directory everyone can write to, as {@code /tmp} is. */
    private Path sharedTmp() throws Exception {
        Path shared = Files.createDirectory(scratch.resolve("shared"));
        Command.of("chmod", "1777", shared.toString()).run().check();
        Command.of("chmod", "0755", scratch.toString()).run().check(); // so that another user reaches it
        return shared;
    }

    /** A file only its owner may read, whose content must not change. */
    private Path victim() throws Exception {
        Path dir = Files.createDirectory(scratch.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path victim = dir.resolve("victim");
        Files.writeString(victim, SECRET);
        return victim;
    }

    private static boolean changed(Path victim) {
        try {
            return !Files.readString(victim).equals(SECRET);
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Path ownDirectory(Path tmp) {
        return tmp.resolve("multiproc-" + System.getProperty("user.name"));
    }

    private static boolean canActAsNobody() {
        return Processes.geteuid() == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    private static void asNobody(String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        command.addAll(List.of(argv));
        Command.of(command).run().check();
    }

    @Test
    @Timeout(60)
    void directoryPlantedByAnotherUserWithLinks_isRefused_andNothingIsWrittenThroughTheLinks() throws Exception {
        assumeTrue(canActAsNobody(), "needs root and setpriv to plant the directory as another user");
        Path tmp = sharedTmp();
        Path victim = victim();
        Path planted = ownDirectory(tmp);
        asNobody("mkdir", "-m", "0777", planted.toString());
        Publisher p = publisher(tmp);
        asNobody("ln", "-s", victim.toString(), planted.resolve(p.pid() + ".tmp").toString());
        asNobody("ln", "-s", victim.toString(), planted.resolve(Long.toString(p.pid())).toString());
        p.startChild();
        Procs.await("the publisher refuses the planted directory", () -> p.warned() || changed(victim));
        p.exit();
        assertEquals(SECRET, Files.readString(victim), "the library wrote through a planted link");
        assertTrue(Files.isSymbolicLink(planted.resolve(Long.toString(p.pid()))), "the planted link was replaced");
        assertTrue(p.stderr().stream().anyMatch(l -> l.contains(planted + " belongs to uid " + NOBODY)),
                p.stderr().toString());
    }

    @Test
    @Timeout(60)
    void directoryThatIsALink_isRefused() throws Exception {
        Path tmp = sharedTmp();
        Path elsewhere = Files.createDirectory(scratch.resolve("elsewhere"));
        Files.createSymbolicLink(ownDirectory(tmp), elsewhere);
        Publisher p = publisher(tmp);
        p.startChild();
        Procs.await("the publisher refuses the linked directory", () -> p.warned() || !isEmpty(elsewhere));
        try (var files = Files.list(elsewhere)) {
            assertEquals(List.of(), files.toList(), "the library wrote through a linked directory");
        } finally {
            p.exit();
        }
        assertTrue(p.stderr().stream().anyMatch(l -> l.contains(ownDirectory(tmp) + " is a symbolic link")),
                p.stderr().toString());
    }

    @Test
    @Timeout(60)
    void ownDirectoryWithPlantedLinksAndStaleFiles_isMadePrivate_andTheFileIsWrittenAnew() throws Exception {
        Path tmp = sharedTmp();
        Path victim = victim();
        Path own = Files.createDirectory(ownDirectory(tmp),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Command.of("chmod", "0755", own.toString()).run().check(); // as an older version made it
        Subprocess gone = Command.of("true").start();
        gone.waitFor();
        Files.writeString(own.resolve(Long.toString(gone.pid())), "jvm " + gone.pid() + " 1\n");
        Files.writeString(own.resolve(gone.pid() + ".tmp"), "half");
        Publisher p = publisher(tmp);
        Path file = own.resolve(Long.toString(p.pid()));
        Files.createSymbolicLink(own.resolve(p.pid() + ".tmp"), victim);
        Files.createSymbolicLink(file, victim);
        p.startChild();
        Procs.await("the publisher writes its file",
                () -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || changed(victim));
        try {
            assertEquals(SECRET, Files.readString(victim), "the library wrote through a planted link");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
            assertTrue(Files.readString(file).startsWith("jvm " + p.pid() + " "), Files.readString(file));
            assertFalse(Files.exists(own.resolve(Long.toString(gone.pid())), LinkOption.NOFOLLOW_LINKS),
                    "the file of a JVM that is gone was left");
            assertFalse(Files.exists(own.resolve(gone.pid() + ".tmp"), LinkOption.NOFOLLOW_LINKS),
                    "the temporary of a JVM that is gone was left");
        } finally {
            p.exit();
        }
        assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS), "the file is deleted at a normal exit");
        assertFalse(p.warned(), p.stderr().toString());
    }

    @Test
    @Timeout(60)
    void missingDirectory_isCreatedPrivate_withAPrivateFile() throws Exception {
        Path tmp = sharedTmp();
        Publisher p = publisher(tmp);
        Path file = ownDirectory(tmp).resolve(Long.toString(p.pid()));
        p.startChild();
        Procs.await("the publisher writes its file", () -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ownDirectory(tmp))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        } finally {
            p.exit();
        }
    }
}
