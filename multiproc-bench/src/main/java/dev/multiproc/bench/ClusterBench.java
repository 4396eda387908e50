package dev.multiproc.bench;

import dev.multiproc.ProcessPool;
import dev.multiproc.Redirect;
import dev.multiproc.WorkerPool;
import dev.multiproc.hazelcast.ClusterMember;
import dev.multiproc.hazelcast.ClusterPool;
import dev.multiproc.hazelcast.MemberProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * A {@code ClusterPool} on three local members of two workers each against one local
 * {@code ProcessPool} of six workers, in one run on one machine (so the figures are the
 * cluster's overhead, not a speed-up): round trip of a tiny task (p50, p99), {@code map(x -> x *
 * x)} over 1,000,000 ints in chunks of 1,000, member start and cluster formation, and the memory
 * of a member.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.ClusterBench</pre>
 *
 * Prints markdown.
 */
public final class ClusterBench {
    private static final int ROUND_TRIPS = 2000;
    private static final int MAP_SIZE = 1_000_000;

    private ClusterBench() {}

    public static void main(String[] args) throws Exception {
        Path key = Files.createTempFile("bench", ".key");
        Files.writeString(key, UUID.randomUUID() + "-" + UUID.randomUUID());
        String name = "bench-" + UUID.randomUUID();
        List<MemberProcess> members = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            members.add(member(name, key, List.of()));
            long first = System.nanoTime() - t0;
            List<Thread> starting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                starting.add(Thread.ofPlatform().start(() -> {
                    MemberProcess m = member(name, key, List.of(members.getFirst().address()));
                    synchronized (members) {
                        members.add(m);
                    }
                }));
            }
            for (Thread t : starting) {
                t.join();
            }
            long t1 = System.nanoTime();
            ClusterPool cluster = ClusterPool.builder().addresses(members.getFirst().address()).clusterName(name)
                    .clusterKey(key).build();
            while (cluster.members().stream().filter(m -> m.state().equals("ready")).count() < 3) {
                Thread.sleep(5);
            }
            long formed = System.nanoTime() - t0;
            long ready = System.nanoTime() - t1;
            try (ProcessPool local = ProcessPool.builder().workers(6).build()) {
                print("ProcessPool, 6 workers", local);
            }
            print("ClusterPool, 3 members x 2 workers", cluster);
            cluster.close();
            System.out.printf("%nfirst member started in %.1f s; three members formed and ready for a client in %.1f s"
                    + " (the client's connect, class-path offer and workers: %.1f s)%n", first / 1e9, formed / 1e9,
                    ready / 1e9);
            for (MemberProcess m : members) {
                System.out.printf("member %s: RSS %d MB (its JVM; its workers were stopped with the client)%n",
                        m.address(), rssKb(m.pid()) / 1024);
            }
        } finally {
            members.forEach(MemberProcess::close);
            Files.deleteIfExists(key);
        }
    }

    private static MemberProcess member(String name, Path key, List<String> join) {
        try {
            return MemberProcess.start(ClusterMember.options().workers(2).port(freePort()).clusterName(name)
                    .clusterKey(key).join(join.toArray(String[]::new)), Redirect.DISCARD);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void print(String what, WorkerPool pool) throws Exception {
        for (int i = 0; i < 300; i++) {
            pool.submit(() -> 1).join();
        }
        long[] samples = new long[ROUND_TRIPS];
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long t = System.nanoTime();
            pool.submit(() -> 1).join();
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        List<Integer> inputs = IntStream.range(0, MAP_SIZE).boxed().toList();
        pool.map(x -> x * x, inputs.subList(0, 100_000), 1_000);
        long t = System.nanoTime();
        List<Integer> out = pool.map(x -> x * x, inputs, 1_000);
        double perSecond = MAP_SIZE / ((System.nanoTime() - t) / 1e9);
        if (out.get(1000) != 1_000_000) {
            throw new AssertionError("wrong result");
        }
        System.out.printf("| %s | %.2f | %.2f | %,.0f |%n", what, samples[ROUND_TRIPS / 2] / 1e6,
                samples[ROUND_TRIPS * 99 / 100] / 1e6, perSecond);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
