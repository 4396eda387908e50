package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.Processes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * A directory of this user's own inside a directory others can write to ({@code /tmp}, a
 * runtime directory), and the files in it.
 *
 * <h2>Hazards</h2>
 * Anyone can create a name in {@code /tmp} first: a directory of their own, where they can
 * place a symbolic link under the name of a file we are about to write (a JVM running as root
 * would then overwrite whatever the link points at), or a link to a directory elsewhere. So
 * the directory is used only if it is a directory, not a link, owned by the user this process
 * acts as; it is created {@code 0700}, and one of ours that others can read or write (made by
 * an older version, {@code 0755}) is closed to them first. Files are created anew with
 * {@code O_EXCL | O_NOFOLLOW} and mode {@code 0600}, written under a temporary name and
 * renamed over the old one ({@code rename} replaces a link, never follows it). In a sticky
 * directory such as {@code /tmp} nobody else can rename or remove a directory of ours, so
 * what was checked stays so.
 */
final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private PrivateDirectory() {}

    /**
     * Makes sure {@code path} is a private directory of this user's, creating it if missing.
     *
     * @return why it cannot be used (a link, not a directory, another user's), or empty if it
     *     can
     * @throws IOException if it cannot be created or read
     */
    static Optional<String> ensure(Path path) throws IOException {
        try {
            Files.createDirectory(path, DIRECTORY_MODE);
        } catch (FileAlreadyExistsException e) {
            // someone's: check whose below
        }
        Optional<String> refusal = refusal(path);
        if (refusal.isEmpty() && !Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(path, OWNER_ONLY);
        }
        return refusal;
    }

    /** True if {@code path} exists and is a directory this user may trust (see {@link #ensure}). */
    static boolean isTrusted(Path path) {
        try {
            return refusal(path).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Why {@code path} must not be used, or empty if it is a directory of this user's. */
    private static Optional<String> refusal(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            return Optional.of(path + " is a symbolic link");
        }
        if (!attributes.isDirectory()) {
            return Optional.of(path + " is not a directory");
        }
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = Processes.geteuid();
        if (owner != self) {
            return Optional.of(path + " belongs to uid " + owner + ", not to uid " + self);
        }
        return Optional.empty();
    }

    /**
     * Replaces {@code name} in {@code directory} with {@code content}, atomically: written to
     * {@code name.tmp} (a stale one removed first), created {@code O_EXCL | O_NOFOLLOW} with
     * mode 0600, then renamed over {@code name}.
     */
    static void replace(Path directory, String name, byte[] content) throws IOException {
        Path temporary = directory.resolve(name + ".tmp");
        Path file = directory.resolve(name);
        Files.deleteIfExists(temporary); // a link is removed, not followed
        try {
            try (SeekableByteChannel out = Files.newByteChannel(temporary, CREATE_NEW, FILE_MODE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    /** Reads {@code file} without following a link. */
    static byte[] read(Path file) throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(in.size(), 16 << 20));
            while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                // read on
            }
            return java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    /** Deletes {@code file} (a link itself, not its target) if it is there; true if it was. */
    static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
