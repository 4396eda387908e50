package dev.multiproc.hazelcast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that members and clients of one cluster share: every message between them carries
 * an HMAC-SHA256 under it, so that a member runs only what a holder of the key sent, and a client
 * reads only what a holder of the key answered.
 *
 * <h2>Where the key comes from</h2>
 * A file given by name ({@code clusterKey(Path)}, {@code --key FILE}), else the environment
 * variable {@value #ENVIRONMENT}, never a command-line argument (which every user of the machine
 * can read in {@code /proc}). With neither, and only for a member bound to 127.0.0.1, the key is
 * this user's default key file ({@code ~/.multiproc/cluster.key}, mode 0600, made with 32 random
 * bytes on first use): only processes of the same user can read it, which is who can reach a
 * loopback member anyway. A member bound to any other address must be given a key.
 */
final class ClusterKey {
    /** The environment variable that may hold the key itself. */
    static final String ENVIRONMENT = "MULTIPROC_CLUSTER_KEY";
    /** The length of a signature. */
    static final int MAC_LENGTH = 32;
    private static final int MIN_LENGTH = 16;

    private final SecretKeySpec key;
    private final String source;

    private ClusterKey(byte[] key, String source) {
        if (key.length < MIN_LENGTH) {
            throw new IllegalArgumentException("the cluster key from " + source + " has " + key.length
                    + " bytes; it needs at least " + MIN_LENGTH + " (32 random bytes are best)");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.source = source;
    }

    /**
     * The key from {@code file}, else from the environment, else (if {@code defaultAllowed}) the
     * user's default key file.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds too short a key, or
     *     there is no key and none may be defaulted; the message says how to give one
     */
    static ClusterKey resolve(Path file, boolean defaultAllowed, String why) {
        if (file != null) {
            return fromFile(file);
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isEmpty()) {
            return new ClusterKey(env.strip().getBytes(StandardCharsets.UTF_8), "the environment variable " + ENVIRONMENT);
        }
        if (!defaultAllowed) {
            throw new IllegalArgumentException(why + " requires a cluster key: give a key file (--key FILE, or"
                    + " clusterKey(Path)) or set the environment variable " + ENVIRONMENT
                    + "; never on the command line");
        }
        return defaultFile();
    }

    /**
     * The key in {@code file}: its bytes, less a final line break.
     *
     * @throws IllegalArgumentException if it cannot be read, or is too short
     */
    static ClusterKey fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the cluster key file " + file + ": " + e, e);
        }
        int n = bytes.length;
        while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r')) {
            n--;
        }
        return new ClusterKey(java.util.Arrays.copyOf(bytes, n), "the file " + file);
    }

    private static ClusterKey defaultFile() {
        Path file = Path.of(System.getProperty("user.home"), ".multiproc", "cluster.key");
        if (!Files.exists(file)) {
            try {
                Files.createDirectories(file.getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Path temp = Files.createTempFile(file.getParent(), "cluster.key", ".new",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, HexFormat.of().formatHex(random) + "\n");
                try {
                    Files.createLink(file, temp); // never replaces a key another process made meanwhile
                } catch (FileAlreadyExistsException e) {
                    // made by another process first: use that one
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot make the default cluster key file " + file + ": " + e, e);
            }
        }
        return fromFile(file);
    }

    /** Where the key came from, for messages (never the key). */
    String source() {
        return source;
    }

    /** The HMAC of {@code parts}, each prefixed with its length (so that no two splits sign alike). */
    byte[] sign(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] length = new byte[4];
            for (byte[] p : parts) {
                int n = p.length;
                length[0] = (byte) (n >>> 24);
                length[1] = (byte) (n >>> 16);
                length[2] = (byte) (n >>> 8);
                length[3] = (byte) n;
                mac.update(length);
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** True if {@code mac} is the HMAC of {@code parts}, compared in constant time. */
    boolean verify(byte[] mac, byte[]... parts) {
        return mac != null && mac.length == MAC_LENGTH && MessageDigest.isEqual(mac, sign(parts));
    }
}
