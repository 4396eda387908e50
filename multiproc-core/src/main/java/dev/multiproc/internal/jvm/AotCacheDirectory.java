package dev.multiproc.internal.jvm;

import dev.multiproc.ProcessEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directory the AOT caches live in, and the temporary files their recording leaves.
 *
 * <h2>Private</h2>
 * The directory must be this user's, not a link, and closed to others (0700): the caches in it
 * are code a child JVM maps, and a directory others can write lets them plant a link where the
 * recording writes. It is created 0700; an existing one of this user's that others can read is
 * closed (an older version created it 0755); one that is a link or someone else's is not used
 * at all (children then start without a cache). The checks and the change of mode act on the
 * directory opened without following a link, never on its name again.
 *
 * <h2>Temporaries</h2>
 * Each recording writes into a directory of its own, {@code tmp-PID-RANDOM}, made 0700 by
 * {@code mkdir} (which fails rather than follow anything), so nothing it writes is reachable by
 * others or can be a planted link. The finished cache is made 0600 and renamed into place;
 * the directory is deleted. A JVM killed while it records leaves its directory behind: the next
 * JVM that uses the cache deletes every temporary whose JVM is no longer running (and the
 * {@code NAME.aot.tmp-PID} files older versions left).
 */
final class AotCacheDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** A recording's directory ({@code tmp-PID-...}), or an older version's file ({@code X.aot.tmp-PID[.config]}). */
    private static final Pattern TEMPORARY = Pattern.compile("tmp-(\\d+)-.*|.*\\.aot\\.tmp-(\\d+)(\\.config)?");

    private AotCacheDirectory() {}

    /**
     * Makes {@code dir} ready: creates it 0700 if missing, closes it to others if it is this
     * user's. Returns false if it must not be used: a link, not a directory, someone else's.
     *
     * @throws IOException if it cannot be looked at (try again later)
     */
    static boolean prepare(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            // looked at below, whoever made it
        }
        try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
            if (!(parentStream instanceof SecureDirectoryStream<Path> secureParent)) {
                return false; // cannot look at it without following a link
            }
            try (SecureDirectoryStream<Path> opened =
                         secureParent.newDirectoryStream(dir.getFileName(), LinkOption.NOFOLLOW_LINKS)) {
                PosixFileAttributeView view = opened.getFileAttributeView(PosixFileAttributeView.class);
                PosixFileAttributes attributes = view.readAttributes();
                if (!attributes.owner().equals(Files.getOwner(Path.of("/proc/self")))) {
                    return false;
                }
                if (!attributes.permissions().equals(OWNER_ONLY)) {
                    view.setPermissions(OWNER_ONLY);
                }
                return true;
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return false;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Too many levels of symbolic links")) {
                return false; // ELOOP: the name is a link
            }
            throw e;
        }
    }

    /** A new private directory for one recording, in {@code dir}. */
    static Path newTemporary(Path dir) throws IOException {
        return Files.createTempDirectory(dir, "tmp-" + ProcessHandle.current().pid() + "-");
    }

    /** Closes a finished cache file to others before it is published. */
    static void closeToOthers(Path file) throws IOException {
        Files.setPosixFilePermissions(file, FILE_OWNER_ONLY);
    }

    /** Deletes {@code path} and what it holds, never following a link; quietly. */
    static void delete(Path path) {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a stale temporary: the next JVM tries again
        }
    }

    /** Deletes the temporaries in {@code dir} of JVMs that are no longer running. */
    static void deleteStale(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher m = TEMPORARY.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
                    if (pid != ProcessHandle.current().pid() && !ProcessEntry.isRunning(pid)) {
                        delete(entry);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // tried; the next JVM tries again
        }
    }
}
