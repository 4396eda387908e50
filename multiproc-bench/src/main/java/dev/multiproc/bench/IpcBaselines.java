package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The floors and the Python figures the IPC benchmarks ({@link ConnectionBench}, {@link QueueBench})
 * compare with, measured in the same run: a small C program (compiled here into a temporary
 * directory with {@code gcc}) and a Python script ({@code multiprocessing}). Each figure is the
 * median of 5; missing tools give no figure, said so.
 */
final class IpcBaselines {
    private IpcBaselines() {}

    private static final String C = """
            #define _GNU_SOURCE
            #include <linux/futex.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/syscall.h>
            #include <sys/wait.h>
            #include <time.h>
            #include <unistd.h>
            static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
            static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
            static void fwait(int *w, int v) { syscall(SYS_futex, w, FUTEX_WAIT, v, NULL, NULL, 0); }
            static void fwake(int *w) { syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0); }
            /* pipe round trip of a short message, in microseconds */
            static double rt(int n) {
                int a[2], b[2]; char m[16] = "ping"; pipe(a); pipe(b);
                if (fork() == 0) { for (int i = 0; i < n; i++) { read(a[0], m, 5); write(b[1], m, 5); } _exit(0); }
                for (int i = 0; i < n / 10; i++) { write(a[1], m, 5); read(b[0], m, 5); }
                double t = now();
                for (int i = n / 10; i < n; i++) { write(a[1], m, 5); read(b[0], m, 5); }
                t = now() - t; wait(NULL); close(a[0]); close(a[1]); close(b[0]); close(b[1]);
                return t / (n - n / 10) * 1e6;
            }
            /* 64-byte writes to a pipe a child reads, per second */
            static double wr(int n) {
                int p[2]; char m[64], buf[65536]; memset(m, 7, 64); pipe(p);
                if (fork() == 0) { close(p[1]); while (read(p[0], buf, sizeof buf) > 0) {} _exit(0); }
                close(p[0]); double t = now();
                for (int i = 0; i < n; i++) write(p[1], m, 64);
                close(p[1]); wait(NULL); t = now() - t;
                return n / t;
            }
            /* futex round trip on shared memory between two processes, in microseconds */
            static double fx(int n) {
                int *turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0); *turn = 0;
                if (fork() == 0) {
                    for (int i = 0; i < n; i++) {
                        while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != 1) fwait(turn, 0);
                        __atomic_store_n(turn, 0, __ATOMIC_RELEASE); fwake(turn);
                    }
                    _exit(0);
                }
                double t = 0;
                for (int i = 0; i < n; i++) {
                    if (i == n / 10) t = now();
                    __atomic_store_n(turn, 1, __ATOMIC_RELEASE); fwake(turn);
                    while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != 0) fwait(turn, 1);
                }
                t = now() - t; wait(NULL); munmap(turn, 4096);
                return t / (n - n / 10) * 1e6;
            }
            int main(int argc, char **argv) {
                double v[5];
                for (int r = 0; r < 5; r++) v[r] = rt(20000); qsort(v, 5, sizeof(double), cmp); printf("c.pipeRoundTripMicros=%f\\n", v[2]);
                for (int r = 0; r < 5; r++) v[r] = wr(1000000); qsort(v, 5, sizeof(double), cmp); printf("c.pipeWrite64PerSecond=%f\\n", v[2]);
                for (int r = 0; r < 5; r++) v[r] = fx(20000); qsort(v, 5, sizeof(double), cmp); printf("c.futexRoundTripMicros=%f\\n", v[2]);
                return 0;
            }
            """;

    private static final String PYTHON = """
            import multiprocessing as mp, statistics, sys, time
            def echo(c, n):
                for _ in range(n):
                    c.send(c.recv())
            def big(c, n, size):
                m = b'x' * size
                while c.recv() == 'go':
                    for _ in range(n):
                        c.send_bytes(m)
            def produce(q, n):
                for i in range(n):
                    q.put(i)
            def bounce(a, b, n):
                for _ in range(n):
                    b.put(a.get())
            def median(f):
                return statistics.median(f() for _ in range(5))
            def pipe_rt():
                a, b = mp.Pipe(); n = 5000
                p = mp.Process(target=echo, args=(b, n)); p.start()
                for _ in range(500): a.send('ping'); a.recv()
                t = time.perf_counter()
                for _ in range(n - 500): a.send('ping'); a.recv()
                t = time.perf_counter() - t; p.join()
                return t / (n - 500) * 1e6
            def pipe_mib():
                a, b = mp.Pipe(); n = 100; size = 1 << 20
                p = mp.Process(target=big, args=(b, n, size)); p.start()
                rates = []
                for _ in range(6):
                    t = time.perf_counter(); a.send('go')
                    for _ in range(n): a.recv_bytes()
                    rates.append(n * size / (time.perf_counter() - t) / 1e6)
                a.send('stop'); p.join()
                return statistics.median(rates[1:])
            def queue(producers):
                n = 100000; q = mp.Queue(1000)
                ps = [mp.Process(target=produce, args=(q, n // producers)) for _ in range(producers)]
                for p in ps: p.start()
                q.get(); t = time.perf_counter()
                for _ in range(n - 1): q.get()
                t = time.perf_counter() - t
                for p in ps: p.join()
                return (n - 1) / t
            def simple_latency():
                a, b = mp.SimpleQueue(), mp.SimpleQueue(); n = 5000
                p = mp.Process(target=bounce, args=(a, b, n)); p.start()
                for i in range(500): a.put(i); b.get()
                t = time.perf_counter()
                for i in range(n - 500): a.put(i); b.get()
                t = time.perf_counter() - t; p.join()
                return t / (n - 500) / 2 * 1e6
            what = sys.argv[1]
            if what == 'connection':
                print('python.pipeRoundTripMicros=%f' % median(pipe_rt))
                print('python.pipe1MiBMBps=%f' % pipe_mib())
            else:
                print('python.queue1to1PerSecond=%f' % median(lambda: queue(1)))
                print('python.queue2to1PerSecond=%f' % median(lambda: queue(2)))
                print('python.simpleQueueLatencyMicros=%f' % median(simple_latency))
            """;

    /** The C floor: keys {@code c.*}; empty if {@code gcc} is missing or fails. */
    static Map<String, Double> c() throws Exception {
        Path dir = Files.createTempDirectory("multiproc-bench-c");
        try {
            Path source = dir.resolve("floor.c");
            Path binary = dir.resolve("floor");
            Files.writeString(source, C);
            String out = run("gcc", "-O2", "-o", binary.toString(), source.toString());
            if (out == null || !Files.exists(binary)) {
                System.out.println("(gcc not usable: no C floor)");
                return Map.of();
            }
            return parse(run(binary.toString()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Python's figures for {@code what} ("connection" or "queue"): keys {@code python.*}. */
    static Map<String, Double> python(String what) throws Exception {
        Path script = Files.createTempFile("multiproc-bench", ".py");
        try {
            Files.writeString(script, PYTHON);
            String out = run("python3", script.toString(), what);
            if (out == null) {
                System.out.println("(python3 not usable: no Python figures)");
                return Map.of();
            }
            return parse(out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String run(String... command) throws Exception {
        try {
            Subprocess p = Command.of(command).stdin(Redirect.DISCARD).start();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor().success()) {
                System.out.println("(" + command[0] + " failed: " + err.strip() + ")");
                return null;
            }
            return out;
        } catch (IOException | ProcessStartException e) {
            return null;
        }
    }

    private static Map<String, Double> parse(String out) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (out != null) {
            for (String line : out.strip().split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    figures.put(line.substring(0, eq).strip(), Double.parseDouble(line.substring(eq + 1).strip()));
                }
            }
        }
        return figures;
    }

    /** The machine and its load, and where the processes run, for the report. */
    static String machine() throws IOException {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String allowed = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                .orElse("?");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + model + "), allowed CPUs " + allowed
                + ", no pinning (every process placed by the scheduler), load average " + load;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** "met" or "NOT met", for a goal. */
    static String met(boolean met) {
        return met ? "met" : "**not met**";
    }
}
