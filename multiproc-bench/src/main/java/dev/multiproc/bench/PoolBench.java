package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.ProcessPool;
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
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * {@code ProcessPool} against Python's {@code multiprocessing.Pool} and
 * {@code concurrent.futures.ProcessPoolExecutor} (fork and forkserver, when {@code python3} is
 * present) and an in-JVM {@link ForkJoinPool} (the floor), all with the same number of workers,
 * in one run: round trip of one tiny task (p50, p99), {@code map(x -> x * x)} over 1,000,000
 * ints unchunked and in chunks of 1,000, and pool start-up to the first result.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.PoolBench [WORKERS] [busy]</pre>
 *
 * With {@code busy}, two CPU-bound busy loops ({@code yes > /dev/null}) run beside it for the
 * whole run: a machine whose CPUs are shared. The load average is printed before and after.
 *
 * Not JMH: one side is Python, and the point is the ratios measured in one run. Prints markdown.
 */
public final class PoolBench {
    private static final int ROUND_TRIPS = 5000;
    private static final int MAP_SIZE = 1_000_000;

    private PoolBench() {}

    /** One row of the table. */
    record Row(String what, double p50Micros, double p99Micros, double unchunkedPerSecond,
               double chunkedPerSecond, double startMillis) {}

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        boolean busy = args.length > 1 && args[1].equals("busy");
        Path cacheDir = Files.createTempDirectory("multiproc-bench-aot");
        System.setProperty("dev.multiproc.cacheDir", cacheDir.toString());
        List<Subprocess> loops = new ArrayList<>();
        if (busy) {
            for (int i = 0; i < 2; i++) {
                loops.add(Command.of("yes").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).start());
            }
        }
        try {
            System.out.println("load average before: " + loadAverage() + (busy ? " (two busy loops running)" : ""));
            List<Row> rows = new ArrayList<>();
            rows.add(multiproc(workers, cacheDir));
            rows.add(forkJoin(workers));
            rows.addAll(python(workers));
            System.out.println("load average after: " + loadAverage());
            print(workers, rows);
        } finally {
            for (Subprocess loop : loops) {
                loop.kill();
                loop.waitFor();
            }
        }
    }

    /** The first three fields of {@code /proc/loadavg}. */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static Row multiproc(int workers, Path cacheDir) throws Exception {
        List<Integer> inputs = IntStream.range(0, MAP_SIZE).boxed().toList();
        // A first pool records the AOT cache for the workers' JVMs (in the background).
        try (ProcessPool first = ProcessPool.builder().workers(workers).build()) {
            first.submit(() -> 1).get();
        }
        awaitCache(cacheDir);
        double[] start = new double[5];
        for (int i = 0; i < start.length; i++) {
            long t = System.nanoTime();
            ProcessPool pool = ProcessPool.builder().workers(workers).build();
            pool.submit(() -> 1).get();
            start[i] = (System.nanoTime() - t) / 1e6;
            pool.close();
        }
        try (ProcessPool pool = ProcessPool.builder().workers(workers).build()) {
            for (int i = 0; i < 3000; i++) {
                pool.submit(() -> 1).get();
            }
            long[] lat = new long[ROUND_TRIPS];
            for (int i = 0; i < lat.length; i++) {
                long t = System.nanoTime();
                pool.submit(() -> 1).get();
                lat[i] = System.nanoTime() - t;
            }
            pool.map(x -> x * x, inputs.subList(0, 200_000));
            pool.map(x -> x * x, inputs, 1000);
            double unchunked = 0;
            double chunked = 0;
            for (int round = 0; round < 3; round++) {
                long t = System.nanoTime();
                pool.map(x -> x * x, inputs);
                unchunked = Math.max(unchunked, MAP_SIZE / ((System.nanoTime() - t) / 1e9));
                t = System.nanoTime();
                pool.map(x -> x * x, inputs, 1000);
                chunked = Math.max(chunked, MAP_SIZE / ((System.nanoTime() - t) / 1e9));
            }
            return new Row("multiproc ProcessPool", percentile(lat, 50), percentile(lat, 99), unchunked, chunked,
                    median(start));
        }
    }

    private static Row forkJoin(int workers) throws Exception {
        long t0 = System.nanoTime();
        ForkJoinPool fj = new ForkJoinPool(workers);
        fj.submit(() -> 1).get();
        double start = (System.nanoTime() - t0) / 1e6;
        try {
            for (int i = 0; i < 20_000; i++) {
                fj.submit(() -> 1).get();
            }
            long[] lat = new long[ROUND_TRIPS];
            for (int i = 0; i < lat.length; i++) {
                long t = System.nanoTime();
                fj.submit(() -> 1).get();
                lat[i] = System.nanoTime() - t;
            }
            double unchunked = 0;
            double chunked = 0;
            for (int round = 0; round < 3; round++) {
                long t = System.nanoTime();
                List<Future<Integer>> fs = new ArrayList<>(MAP_SIZE);
                for (int i = 0; i < MAP_SIZE; i++) {
                    int x = i;
                    fs.add(fj.submit(() -> x * x));
                }
                for (Future<Integer> f : fs) {
                    f.get();
                }
                unchunked = Math.max(unchunked, MAP_SIZE / ((System.nanoTime() - t) / 1e9));
                t = System.nanoTime();
                List<Future<Integer[]>> cs = new ArrayList<>();
                for (int c = 0; c < MAP_SIZE; c += 1000) {
                    int from = c;
                    cs.add(fj.submit(() -> {
                        Integer[] out = new Integer[1000];
                        for (int i = 0; i < 1000; i++) {
                            out[i] = (from + i) * (from + i);
                        }
                        return out;
                    }));
                }
                for (Future<Integer[]> f : cs) {
                    f.get();
                }
                chunked = Math.max(chunked, MAP_SIZE / ((System.nanoTime() - t) / 1e9));
            }
            return new Row("in-JVM ForkJoinPool (the floor)", percentile(lat, 50), percentile(lat, 99), unchunked,
                    chunked, start);
        } finally {
            fj.shutdown();
        }
    }

    private static final String PYTHON = """
            import multiprocessing as mp, concurrent.futures as cf, time, sys
            def f(x):
                return x * x
            def one():
                return 1
            def pct(ts, p):
                ts = sorted(ts)
                return ts[min(len(ts) - 1, int(len(ts) * p / 100))] * 1e6
            def lat(call, n):
                ts = []
                for _ in range(n):
                    t = time.perf_counter(); call(); ts.append(time.perf_counter() - t)
                return pct(ts, 50), pct(ts, 99)
            def rate(run, n):
                t = time.perf_counter(); run(n); return n / (time.perf_counter() - t)
            if __name__ == '__main__':
                w, n, unchunked_n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
                for method in ('fork', 'forkserver'):
                    ctx = mp.get_context(method)
                    starts = []
                    for _ in range(3):
                        t = time.perf_counter(); p = ctx.Pool(w); p.apply(one); starts.append(time.perf_counter() - t)
                        p.close(); p.join()
                    p = ctx.Pool(w)
                    for _ in range(1000): p.apply(one)
                    p50, p99 = lat(lambda: p.apply(one), n)
                    un = rate(lambda k: p.map(f, range(k), chunksize=1), unchunked_n)
                    ch = max(rate(lambda k: p.map(f, range(k), chunksize=1000), 1000000) for _ in range(3))
                    p.close(); p.join()
                    print('Python Pool, %s|%f|%f|%f|%f|%f' % (method, p50, p99, un, ch, sorted(starts)[1] * 1e3))
                    starts = []
                    for _ in range(3):
                        t = time.perf_counter(); e = cf.ProcessPoolExecutor(w, mp_context=ctx); e.submit(one).result()
                        starts.append(time.perf_counter() - t); e.shutdown()
                    e = cf.ProcessPoolExecutor(w, mp_context=ctx)
                    for _ in range(1000): e.submit(one).result()
                    p50, p99 = lat(lambda: e.submit(one).result(), n)
                    un = rate(lambda k: list(e.map(f, range(k), chunksize=1)), unchunked_n // 4)
                    ch = max(rate(lambda k: list(e.map(f, range(k), chunksize=1000)), 1000000) for _ in range(3))
                    e.shutdown()
                    print('Python ProcessPoolExecutor, %s|%f|%f|%f|%f|%f' % (method, p50, p99, un, ch, sorted(starts)[1] * 1e3))
                    sys.stdout.flush()
            """;

    private static List<Row> python(int workers) throws Exception {
        Path script = Files.createTempFile("multiproc-bench", ".py");
        Files.writeString(script, PYTHON);
        List<Row> rows = new ArrayList<>();
        try {
            Subprocess p = Command.of("python3", script.toString(), Integer.toString(workers),
                    Integer.toString(ROUND_TRIPS), "200000").stdin(Redirect.DISCARD).start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor().success()) {
                System.out.println("(python3 failed: " + err.strip() + ")");
            }
            for (String line : out.strip().split("\n")) {
                String[] f = line.split("\\|");
                if (f.length == 6) {
                    rows.add(new Row(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                            Double.parseDouble(f[4]), Double.parseDouble(f[5])));
                }
            }
        } catch (IOException | ProcessStartException e) {
            System.out.println("(python3 not found: no Python figures)");
        } finally {
            Files.deleteIfExists(script);
        }
        return rows;
    }

    private static void print(int workers, List<Row> rows) {
        Map<String, Row> byName = new LinkedHashMap<>();
        rows.forEach(r -> byName.put(r.what(), r));
        Row us = rows.getFirst();
        Row pool = byName.getOrDefault("Python Pool, fork", us);
        System.out.printf("%d workers; round trip of one tiny task after a warm-up; map(x -> x * x) over %,d ints"
                + " (Python's unchunked map over 200,000, its executor's over 50,000); start-up = pool created to"
                + " first result, median of 3–5.%n%n", workers, MAP_SIZE);
        System.out.println("| pool | round trip p50 µs | p99 µs | map unchunked tasks/s | map chunks of 1,000 tasks/s"
                + " | start-up to first result ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf("| %s | %.0f | %.0f | %,.0f | %,.0f | %.1f |%n", r.what(), r.p50Micros(), r.p99Micros(),
                    r.unchunkedPerSecond(), r.chunkedPerSecond(), r.startMillis());
        }
        System.out.println();
        System.out.printf("Against Python's Pool (fork): round trip p50 %.2f× as long, unchunked map %.1f× the rate,"
                        + " chunked map %.1f× the rate, start-up %.1f× as long.%n",
                us.p50Micros() / pool.p50Micros(), us.unchunkedPerSecond() / pool.unchunkedPerSecond(),
                us.chunkedPerSecond() / pool.chunkedPerSecond(), us.startMillis() / pool.startMillis());
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

    private static double percentile(long[] nanos, int p) {
        long[] v = nanos.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, v.length * p / 100)] / 1e3;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
