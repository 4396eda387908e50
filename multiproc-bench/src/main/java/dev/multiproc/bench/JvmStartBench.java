package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start + join of a task that returns at once, four ways, interleaved round by round so that
 * a shared machine's drift hits them alike: a hello-world {@code java} (the floor for a cold
 * start), a cold child, a cold child with the AOT cache, a warm spare. Then Python's
 * {@code multiprocessing} with fork, forkserver and spawn when {@code python3} is present,
 * and the first seed's seven CPU-bound children against the same work done serially.
 *
 * <pre>java -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.JvmStartBench [ROUNDS]</pre>
 *
 * Not JMH: each sample is a whole process, and the point is the ratio between the ways,
 * measured in one run. Prints markdown.
 */
public final class JvmStartBench {
    private JvmStartBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        Path cacheDir = Files.createTempDirectory("multiproc-bench-aot");
        System.setProperty("dev.multiproc.cacheDir", cacheDir.toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Command hello = Command.of(java, "-cp", System.getProperty("java.class.path"), Hello.class.getName())
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD);
        JvmProcess.Builder cold = JvmProcess.builder();
        JvmProcess.Builder spare = JvmProcess.builder().warmSpare(true);

        // Warm this JVM's side, and let the AOT cache be recorded.
        for (int i = 0; i < 5; i++) {
            hello.start().waitFor();
            cold.start(() -> 1).join();
        }
        awaitCache(cacheDir);
        spare.start(() -> 1).join();

        Map<String, long[]> samples = new LinkedHashMap<>();
        for (String k : List.of("hello-world java", "cold", "cold + AOT cache", "warm spare")) {
            samples.put(k, new long[rounds]);
        }
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            hello.start().waitFor();
            samples.get("hello-world java")[i] = System.nanoTime() - t;

            System.setProperty("dev.multiproc.aot", "false");
            t = System.nanoTime();
            cold.start(() -> 1).join();
            samples.get("cold")[i] = System.nanoTime() - t;

            System.setProperty("dev.multiproc.aot", "true");
            t = System.nanoTime();
            cold.start(() -> 1).join();
            samples.get("cold + AOT cache")[i] = System.nanoTime() - t;

            Thread.sleep(400); // the spare's replacement starts and warms up
            t = System.nanoTime();
            spare.start(() -> 1).join();
            samples.get("warm spare")[i] = System.nanoTime() - t;
            Thread.sleep(400);
        }
        double floor = median(samples.get("hello-world java"));
        System.out.printf("| start + join, %d rounds | p50 ms | min ms | p50 / hello-world |%n", rounds);
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, long[]> e : samples.entrySet()) {
            double p50 = median(e.getValue());
            System.out.printf("| %s | %.1f | %.1f | %.2f |%n", e.getKey(), p50 / 1e6,
                    Arrays.stream(e.getValue()).min().orElseThrow() / 1e6, p50 / floor);
        }
        python(rounds);
        sevenChildren();
    }

    private static void awaitCache(Path dir) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.toString().endsWith(".aot"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        System.out.println("(no AOT cache was recorded: the library is not loaded from a jar?)");
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static final String PYTHON = """
            import multiprocessing as mp, time, statistics, sys
            def f():
                return 1
            if __name__ == '__main__':
                n = int(sys.argv[1])
                for method in ('fork', 'forkserver', 'spawn'):
                    ctx = mp.get_context(method)
                    for _ in range(3):
                        p = ctx.Process(target=f); p.start(); p.join()
                    times = []
                    for _ in range(n):
                        t = time.perf_counter(); p = ctx.Process(target=f); p.start(); p.join()
                        times.append(time.perf_counter() - t)
                    print('| Python multiprocessing, %s | %.1f | %.1f | |' % (method, statistics.median(times) * 1e3, min(times) * 1e3))
            """;

    private static void python(int rounds) throws Exception {
        Path script = Files.createTempFile("multiproc-bench", ".py");
        Files.writeString(script, PYTHON);
        try {
            Subprocess p = Command.of("python3", script.toString(), Integer.toString(rounds)).stdin(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor().success()) {
                System.out.print(out);
            }
        } catch (IOException | ProcessStartException e) {
            System.out.println("(python3 not found: no Python figures)");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The first seed's example: seven children of a CPU-bound function, against the same work serially. */
    static long timeConsumingFunction() {
        long x = 1;
        for (long n = 0; n < 400_000_000L; n++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    private static void sevenChildren() throws Exception {
        long t = System.nanoTime();
        for (int i = 0; i < 7; i++) {
            JvmProcess.start(JvmStartBench::timeConsumingFunction).result();
        }
        long oneByOne = System.nanoTime() - t;
        t = System.nanoTime();
        List<JvmProcess<Long>> children = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            children.add(JvmProcess.start(JvmStartBench::timeConsumingFunction));
        }
        for (JvmProcess<Long> c : children) {
            c.result();
        }
        long parallel = System.nanoTime() - t;
        timeConsumingFunction();
        t = System.nanoTime();
        for (int i = 0; i < 7; i++) {
            timeConsumingFunction();
        }
        long inProcess = System.nanoTime() - t;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.println("| seven CPU-bound tasks (the first seed's example) | ms |");
        System.out.println("|---|---:|");
        System.out.printf("| seven child JVMs, one after another | %d |%n", oneByOne / 1_000_000);
        System.out.printf("| seven child JVMs in parallel | %d |%n", parallel / 1_000_000);
        System.out.printf("| speed-up | %.2f× on %d cores |%n", (double) oneByOne / parallel, cores);
        System.out.printf("| for reference: the same work serially in this JIT-warm JVM | %d |%n", inProcess / 1_000_000);
    }
}
