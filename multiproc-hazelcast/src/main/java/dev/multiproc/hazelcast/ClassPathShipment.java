package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import dev.multiproc.MultiprocException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * This JVM's class path as its tasks need it on a member: each jar as it is, each class folder
 * packed into a jar (its files in name order, with a fixed time, so that the same folder always
 * packs to the same bytes), each named by the SHA-256 of its content. A member knows its own jars
 * (the library's, Hazelcast's) already, so they are not sent; its workers put its own library first.
 *
 * <h2>Shipping</h2>
 * A member is offered the list of hashes; it answers with those it lacks, which are sent one
 * file per call, each signed; then it is offered the list again, and takes it. A member caches
 * each file once, whichever client sent it. A member that dies meanwhile is simply not used; a
 * file cut short by that death is never used by anyone (the member checks the hash first).
 */
final class ClassPathShipment implements AutoCloseable {
    /** Called before a file is sent to a member; for tests, which kill the member there. */
    static volatile java.util.function.Consumer<Member> beforePut = m -> { };

    private final Map<String, Path> files = new LinkedHashMap<>();
    private final List<Path> packed = new ArrayList<>();
    private final ClusterKey key;
    private final long timeoutNanos;

    private ClassPathShipment(ClusterKey key, long timeoutNanos) {
        this.key = key;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * The shipment of {@code entries}, hashed (and folders packed) now.
     *
     * @throws MultiprocException if an entry cannot be read
     */
    static ClassPathShipment of(List<String> entries, ClusterKey key, long timeoutNanos) {
        ClassPathShipment s = new ClassPathShipment(key, timeoutNanos);
        try {
            for (String entry : entries) {
                Path p = Path.of(entry).toAbsolutePath();
                if (!Files.exists(p)) {
                    continue;
                }
                Path file = p;
                if (Files.isDirectory(p)) {
                    file = pack(p);
                    s.packed.add(file);
                } else if (!Files.isRegularFile(p)) {
                    continue;
                }
                s.files.putIfAbsent(file == p ? hashOf(p) : FileCache.sha256(file), file);
            }
        } catch (IOException e) {
            s.close();
            throw new MultiprocException("cannot read the class path to ship it to the cluster: " + e, e);
        }
        return s;
    }

    private record Stamp(Path file, long size, long modified) {}

    /** The hashes of jars already read in this JVM, by size and time: a pool built again reads none. */
    private static final Map<Stamp, String> HASHES = new java.util.concurrent.ConcurrentHashMap<>();

    private static String hashOf(Path jar) throws IOException {
        Stamp stamp = new Stamp(jar, Files.size(jar), Files.getLastModifiedTime(jar).toMillis());
        String known = HASHES.get(stamp);
        if (known == null) {
            known = FileCache.sha256(jar);
            HASHES.put(stamp, known);
        }
        return known;
    }

    /** This JVM's class path. */
    static List<String> current() {
        List<String> all = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                all.add(e);
            }
        }
        return all;
    }

    private static Path pack(Path folder) throws IOException {
        Path jar = Files.createTempFile("multiproc-classes-", ".jar");
        List<Path> all;
        try (Stream<Path> walk = Files.walk(folder)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Path f : all) {
                ZipEntry e = new ZipEntry(folder.relativize(f).toString().replace(File.separatorChar, '/'));
                e.setLastModifiedTime(FileTime.fromMillis(315532800000L)); // 1980-01-01, the zip epoch
                zip.putNextEntry(e);
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** The hashes of the files, in class-path order. */
    List<String> hashes() {
        return new ArrayList<>(files.keySet());
    }

    /** The id a member knows this class path by. */
    String id() {
        return MemberService.classPathId(hashes());
    }

    /**
     * Makes {@code member} ready to run this class path's jobs: sends it the files it lacks.
     *
     * @throws ClusterKeyException if it refused this JVM's key
     * @throws MultiprocException if it failed otherwise, or died meanwhile (the cause says which)
     */
    void shipTo(Member member, IExecutorService control, UUID client) {
        for (int round = 0; round < 2; round++) {
            Reply reply = call(member, control, client, MemberCall.OFFER, offer());
            if (reply.status() == Reply.OK) {
                return;
            }
            if (reply.status() != Reply.MISSING || round == 1) {
                throw fail(member, reply);
            }
            for (String hash : reply.hashes()) {
                Path file = files.get(hash);
                if (file == null) {
                    throw new MultiprocException("member " + member.getAddress() + " asked for a file this JVM did"
                            + " not offer: " + hash);
                }
                beforePut.accept(member);
                Reply put = call(member, control, client, MemberCall.PUT_FILE, fileBody(hash, file));
                if (put.status() != Reply.OK) {
                    throw fail(member, put);
                }
            }
        }
    }

    private RuntimeException fail(Member member, Reply reply) {
        String message = reply.status() == Reply.REFUSED || reply.status() == Reply.FAILED ? reply.message()
                : "status " + (char) reply.status();
        return reply.status() == Reply.REFUSED ? new ClusterKeyException(message)
                : new MultiprocException("member " + member.getAddress() + " did not take the class path: " + message);
    }

    private Reply call(Member member, IExecutorService control, UUID client, byte op, byte[] body) {
        MemberCall call = new MemberCall(op, client, 0, body, key);
        byte[] response;
        try {
            response = control.submitToMember(call, member).get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new MultiprocException("member " + member.getAddress() + " failed while it took the class path: "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiprocException("interrupted while the class path was shipped", e);
        } catch (TimeoutException e) {
            throw new MultiprocException("member " + member.getAddress() + " did not answer within 2 minutes while it took the class path",
                    e);
        }
        return Reply.verifiedOrRefusal(response, key, call.header(), member.getAddress().toString());
    }

    private byte[] offer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(timeoutNanos);
            out.writeInt(files.size());
            for (String h : files.keySet()) {
                out.writeUTF(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] fileBody(String hash, Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 80);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(hash);
                out.write(content);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new MultiprocException("cannot read the class-path file " + file + ": " + e, e);
        }
    }

    /** Deletes the jars made from class folders. */
    @Override
    public void close() {
        for (Path p : packed) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }
}
