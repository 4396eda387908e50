package dev.multiproc.hazelcast;

import dev.multiproc.Redirect;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster of member processes on 127.0.0.1, started by the library ({@link MemberProcess}) for
 * one test class: its own cluster name and key, members of two workers each, their stderr in
 * {@code target/cluster-logs}. Closing it stops every member.
 */
final class LocalCluster implements AutoCloseable {
    final String name = "test-" + UUID.randomUUID();
    final Path key;
    final List<MemberProcess> members = new ArrayList<>();
    private final Path logs;

    private LocalCluster(Path dir) throws IOException {
        this.key = dir.resolve("cluster.key");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.writeString(key, HexFormat.of().formatHex(random));
        this.logs = Path.of("target", "cluster-logs");
        Files.createDirectories(logs);
    }

    /** Starts {@code n} members: the first alone, the others together, joining it. */
    static LocalCluster start(int n, Path dir) throws Exception {
        LocalCluster c = new LocalCluster(dir);
        try {
            c.members.add(c.startMember());
            List<CompletableFuture<MemberProcess>> rest = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                rest.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.startMember();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (CompletableFuture<MemberProcess> f : rest) {
                c.members.add(f.join());
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Starts one more member that joins the cluster. */
    MemberProcess startMember() throws IOException {
        int port = freePort();
        ClusterMember.Options options = ClusterMember.options().workers(2).port(port).clusterName(name)
                .clusterKey(key).workerJvmOptions("-Xmx128m", "-XX:+UseSerialGC");
        synchronized (members) {
            for (MemberProcess m : members) {
                options.join(m.address());
            }
        }
        return MemberProcess.start(options, Redirect.appendTo(logs.resolve(name + "-" + port + ".log")));
    }

    String[] addresses() {
        return members.stream().filter(MemberProcess::isAlive).map(MemberProcess::address).toArray(String[]::new);
    }

    ClusterPool.Builder pool() {
        return ClusterPool.builder().addresses(addresses()).clusterName(name).clusterKey(key);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (MemberProcess m : members) {
            m.close();
        }
    }
}
