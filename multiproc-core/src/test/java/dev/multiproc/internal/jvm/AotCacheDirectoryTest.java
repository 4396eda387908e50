package dev.multiproc.internal.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache directory is used only when it is this user's own directory, not a link, and it
 * is closed to others; stale temporaries of JVMs that are gone are deleted, others are not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AotCacheDirectoryTest {

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_missing_directory_is_created_0700(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("a/b/cache");
        assertTrue(AotCacheDirectory.prepare(dir));
        assertEquals("rwx------", mode(dir));
    }

    @Test
    void an_existing_directory_of_ours_open_to_others_is_closed(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("cache"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(AotCacheDirectory.prepare(dir));
        assertEquals("rwx------", mode(dir));
    }

    @Test
    void a_link_is_not_used_nor_followed(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(tmp.resolve("cache"), target);
        assertFalse(AotCacheDirectory.prepare(link));
        assertEquals("rwxr-xr-x", mode(target), "the link's target was not touched");
        Path fileLink = Files.createSymbolicLink(tmp.resolve("to-a-file"), Files.createFile(tmp.resolve("file")));
        assertFalse(AotCacheDirectory.prepare(fileLink));
    }

    @Test
    void someone_elses_directory_is_not_used(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("cache"));
        UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(dir, nobody);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot give a directory to user nobody here: " + e);
            return;
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(AotCacheDirectory.prepare(dir));
        assertEquals("rwxrwxrwx", mode(dir), "left as it was");
    }

    @Test
    void stale_temporaries_of_gone_jvms_are_deleted_and_live_ones_kept(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cache");
        assertTrue(AotCacheDirectory.prepare(dir));
        long gone = Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).start().pid();
        dev.multiproc.testing.Procs.awaitGone(gone);
        long live = ProcessHandle.current().pid();
        Path staleDir = Files.createDirectory(dir.resolve("tmp-" + gone + "-123"));
        Files.createFile(staleDir.resolve("cache.aot"));
        Files.createSymbolicLink(staleDir.resolve("link"), tmp);
        Path staleFile = Files.createFile(dir.resolve("bootstrap-25-abc.aot.tmp-" + gone));
        Path staleConfig = Files.createFile(dir.resolve("bootstrap-25-abc.aot.tmp-" + gone + ".config"));
        Path liveDir = Files.createDirectory(dir.resolve("tmp-" + live + "-456"));
        Path cache = Files.createFile(dir.resolve("bootstrap-25-abc.aot"));
        AotCacheDirectory.deleteStale(dir);
        assertFalse(Files.exists(staleDir, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(staleFile));
        assertFalse(Files.exists(staleConfig));
        assertTrue(Files.isDirectory(liveDir), "a running JVM's temporary is kept");
        assertTrue(Files.exists(cache));
        assertTrue(Files.isDirectory(tmp), "a link's target is not deleted");
    }

    @Test
    void a_recordings_directory_is_private_and_fresh(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cache");
        assertTrue(AotCacheDirectory.prepare(dir));
        Path a = AotCacheDirectory.newTemporary(dir);
        Path b = AotCacheDirectory.newTemporary(dir);
        assertFalse(a.equals(b));
        assertEquals("rwx------", mode(a));
        assertTrue(a.getFileName().toString().startsWith("tmp-" + ProcessHandle.current().pid() + "-"), a.toString());
    }
}
