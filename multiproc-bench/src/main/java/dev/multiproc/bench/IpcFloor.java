package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The C floor and the Python figures of {@link IpcBench}: a small C program compiled at run time
 * into a temporary directory (never committed), and Python scripts run with {@code python3}.
 * Each warms up with one repetition, then prints one figure per repetition asked for.
 */
final class IpcFloor {
    private IpcFloor() {}

    /** The C floor: {@code cas} (ns per lock and unlock), {@code futex} (µs per round trip), {@code memcpy} (GB/s). */
    static final String C_SOURCE = """
            #define _GNU_SOURCE
            #include <linux/futex.h>
            #include <stdatomic.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/syscall.h>
            #include <sys/wait.h>
            #include <time.h>
            #include <unistd.h>

            static double now(void) {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                return t.tv_sec * 1e9 + t.tv_nsec;
            }
            static long futex(atomic_int *w, int op, int v) { return syscall(SYS_futex, w, op, v, NULL, NULL, 0); }
            static void *shared(size_t n) {
                int fd = memfd_create("floor", MFD_CLOEXEC);
                if (fd < 0 || ftruncate(fd, n) != 0) { perror("memfd"); exit(1); }
                void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (p == MAP_FAILED) { perror("mmap"); exit(1); }
                close(fd);
                return p;
            }
            /* lock: CAS 0 -> 1; unlock: CAS 1 -> 0 (a futex wake only if it fails: never here) */
            static int reps = 5;
            static void cas(void) {
                atomic_int *lock = shared(4096);
                long n = 20000000;
                for (int r = 0; r <= reps; r++) {
                    double t = now();
                    for (long i = 0; i < n; i++) {
                        int zero = 0, one = 1;
                        while (!atomic_compare_exchange_strong(lock, &zero, 1)) zero = 0;
                        if (!atomic_compare_exchange_strong(lock, &one, 0)) { atomic_store(lock, 0); futex(lock, FUTEX_WAKE, 1); }
                    }
                    if (r > 0) printf("%.3f\\n", (now() - t) / n);
                }
            }
            /* two processes take turns on one shared word: store, wake, sleep until it changes back */
            static void pingpong(void) {
                atomic_int *turn = shared(4096);
                long n = 20000;
                pid_t child = fork();
                if (child == 0) {
                    for (long i = 0; i < n * (reps + 1); i++) {
                        while (atomic_load(turn) == 0) futex(turn, FUTEX_WAIT, 0);
                        atomic_store(turn, 0);
                        futex(turn, FUTEX_WAKE, 1);
                    }
                    _exit(0);
                }
                for (int r = 0; r <= reps; r++) {
                    double t = now();
                    for (long i = 0; i < n; i++) {
                        atomic_store(turn, 1);
                        futex(turn, FUTEX_WAKE, 1);
                        while (atomic_load(turn) == 1) futex(turn, FUTEX_WAIT, 1);
                    }
                    if (r > 0) printf("%.3f\\n", (now() - t) / n / 1000);
                }
                waitpid(child, NULL, 0);
            }
            /* memcpy from private memory into a shared mapping, both touched first */
            static void copy(void) {
                size_t n = 64 << 20;
                char *src = malloc(n), *dst = shared(n);
                memset(src, 1, n);
                memset(dst, 2, n);
                for (int r = 0; r <= reps; r++) {
                    int k = 20;
                    double t = now();
                    for (int i = 0; i < k; i++) { src[i] = (char) i; memcpy(dst, src, n); }
                    if (r > 0) printf("%.3f\\n", (double) n * k / (now() - t));
                }
                if (dst[5] != src[5]) return;
            }
            int main(int argc, char **argv) {
                if (argc < 2) return 2;
                if (argc > 2) reps = atoi(argv[2]);
                if (!strcmp(argv[1], "cas")) cas();
                else if (!strcmp(argv[1], "futex")) pingpong();
                else if (!strcmp(argv[1], "memcpy")) copy();
                else return 2;
                return 0;
            }
            """;

    /** Python's figures: lock (ns per acquire and release), handoff and event (µs per round trip), value (M/s). */
    static final String PYTHON_SOURCE = """
            import multiprocessing as mp, sys, time
            ctx = mp.get_context('fork')
            what = sys.argv[1]
            reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
            def lock():
                l = ctx.Lock(); n = 1_000_000
                for r in range(reps + 1):
                    t = time.perf_counter()
                    for _ in range(n):
                        l.acquire(); l.release()
                    if r: print((time.perf_counter() - t) / n * 1e9)
            def value():
                v = ctx.Value('q', 0); n = 500_000
                for r in range(reps + 1):
                    t = time.perf_counter()
                    for _ in range(n):
                        with v.get_lock():
                            v.value += 1
                    if r: print(n / (time.perf_counter() - t) / 1e6)
            def ring(m, n):
                # B's side of the three-lock ring: each hand-off waits for the other's unlock
                for _ in range(n):
                    m[0].acquire(); m[2].release(); m[1].acquire(); m[0].release(); m[2].acquire(); m[1].release()
            def handoff():
                m = [ctx.Lock() for _ in range(3)]; n = 4000; ready = ctx.Event()
                m[0].acquire(); m[1].acquire()
                def b(): m[2].acquire(); ready.set(); ring(m, n * (reps + 1))
                p = ctx.Process(target=b); p.start(); ready.wait()
                for r in range(reps + 1):
                    t = time.perf_counter()
                    for _ in range(n):
                        m[0].release(); m[2].acquire(); m[1].release(); m[0].acquire(); m[2].release(); m[1].acquire()
                    if r: print((time.perf_counter() - t) / (3 * n) * 1e6)
                p.join()
            def event():
                ping, pong = ctx.Event(), ctx.Event(); n = 4000
                def b():
                    for _ in range(n * (reps + 1)):
                        ping.wait(); ping.clear(); pong.set()
                p = ctx.Process(target=b); p.start()
                for r in range(reps + 1):
                    t = time.perf_counter()
                    for _ in range(n):
                        ping.set(); pong.wait(); pong.clear()
                    if r: print((time.perf_counter() - t) / n * 1e6)
                p.join()
            {'lock': lock, 'value': value, 'handoff': handoff, 'event': event}[what]()
            """;

    /** Compiles the C floor into {@code dir}; the path of the program, or null without gcc. */
    static Path compile(Path dir) throws Exception {
        Path source = dir.resolve("floor.c");
        Files.writeString(source, C_SOURCE);
        Path program = dir.resolve("floor");
        try {
            Command.of("gcc", "-O2", "-o", program.toString(), source.toString()).run().check();
        } catch (dev.multiproc.ProcessStartException e) {
            return null;
        }
        return program;
    }

    /** Runs {@code argv}, which prints one figure per line; their median. */
    static double median(String... argv) throws Exception {
        CompletedProcess r = Command.of(argv).run().check();
        double[] figures = r.stdoutText().strip().lines().mapToDouble(Double::parseDouble).toArray();
        return IpcBench.median(figures);
    }

    /** True if {@code program} is on PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static double[] sorted(double[] figures) {
        double[] copy = figures.clone();
        Arrays.sort(copy);
        return copy;
    }
}
