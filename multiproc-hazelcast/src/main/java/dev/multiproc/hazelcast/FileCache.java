package dev.multiproc.hazelcast;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A member's copies of the class-path files clients sent it, each kept once under the SHA-256 of
 * its content, in a directory of its own (mode 0700) that the member deletes when it closes. A
 * file is checked against its hash before it is kept, and written under a temporary name first:
 * a file cut short (its sender died) is never used.
 */
final class FileCache implements AutoCloseable {
    private final Path directory;
    private final ConcurrentHashMap<String, Path> files = new ConcurrentHashMap<>();

    FileCache() throws IOException {
        this.directory = Files.createTempDirectory("multiproc-member-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Knows the jars of this JVM's own class path by their hashes, so that a client whose class
     * path has the same jars (the library's, Hazelcast's) need not send them.
     */
    void seedWithOwnJars() {
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                try {
                    files.putIfAbsent(sha256(p), p.toAbsolutePath());
                } catch (IOException e) {
                    // not readable: a client sends it if it needs it
                }
            }
        }
    }

    /** The file with content hash {@code hash}, or null if this member has none. */
    Path get(String hash) {
        return files.get(hash);
    }

    /**
     * Keeps {@code content} as the file of hash {@code hash}.
     *
     * @throws IOException if the content does not have that hash, or cannot be written
     */
    Path put(String hash, byte[] content) throws IOException {
        Path known = files.get(hash);
        if (known != null) {
            return known;
        }
        String actual = sha256(content);
        if (!actual.equals(hash)) {
            throw new IOException("a class-path file announced as " + hash + " has the hash " + actual);
        }
        Path temp = Files.createTempFile(directory, "incoming-", ".part");
        Files.write(temp, content);
        Path file = directory.resolve(hash + ".jar");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        files.put(hash, file);
        return file;
    }

    /** The SHA-256 of {@code content}, in hex. */
    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest().digest(content));
    }

    /** The SHA-256 of the file {@code file}, in hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
