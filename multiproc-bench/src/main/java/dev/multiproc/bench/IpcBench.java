package dev.multiproc.bench;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessEvent;
import dev.multiproc.ProcessLock;
import dev.multiproc.SharedLongArray;
import dev.multiproc.SharedMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The shared objects against Python's {@code multiprocessing} and a C floor, in one run on one
 * machine: uncontended lock, lock hand-off, event round trip, lock-free shared increment,
 * shared-memory copy, and how soon a lock's next waiter gets it after its holder is SIGKILLed
 * compared with how soon this JVM learns of the holder's exit. Five rounds, each running every
 * side once in turn (so that a change of the machine's load weighs on all sides alike), and the
 * medians; prints markdown, with the CPUs each side may run on and the load.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.IpcBench</pre>
 *
 * <p>Definitions, the same on every side: a lock's cost is one lock and one unlock, on one
 * thread. A round trip goes from one process to another and back: for a lock, two hand-offs in a
 * ring of three locks, where each process unlocks only what it locked and each lock waits for the
 * other process's unlock; for an event, a set seen by the other process, which answers with a set
 * of another event; for the C floor, a store and a futex wake each way on one word. A shared
 * increment is {@code getAndAdd(0, 1)}; Python's is {@code with v.get_lock(): v.value += 1}. A
 * copy is 64 MiB from private memory into a shared mapping, both touched first.
 */
public final class IpcBench {
    private static final int ROUNDS = 5;

    private IpcBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("multiproc-ipc-bench");
        Path floor = IpcFloor.onPath("gcc") ? IpcFloor.compile(dir) : null;
        Path python = null;
        if (IpcFloor.onPath("python3")) {
            python = dir.resolve("ipc.py");
            Files.writeString(python, IpcFloor.PYTHON_SOURCE);
        }
        System.out.println("CPUs: " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel()
                + "); every process of this run may run on CPUs " + allowedCpus()
                + " (not pinned; child JVMs, Python's and C's processes inherit it); load average at the start: "
                + loadAverage());
        String c = floor == null ? null : floor.toString();
        String py = python == null ? null : python.toString();
        // Warm-up of this JVM's side; the figures follow, each round running every side once in turn.
        uncontendedLockNanos();
        incrementsPerMicro();
        copyGigabytesPerSecond();
        double[][] f = new double[14][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            f[0][r] = uncontendedLockNanos();
            f[1][r] = once(c, "cas");
            f[2][r] = once(py == null ? null : "python3", py, "lock");
            f[3][r] = lockHandoffMicros();
            f[4][r] = once(c, "futex");
            f[5][r] = once(py == null ? null : "python3", py, "handoff");
            f[6][r] = eventRoundTripMicros();
            f[7][r] = once(py == null ? null : "python3", py, "event");
            f[8][r] = incrementsPerMicro();
            f[9][r] = once(py == null ? null : "python3", py, "value");
            f[10][r] = copyGigabytesPerSecond();
            f[11][r] = once(c, "memcpy");
            double[] recovery = recoveryAgainstExit();
            f[12][r] = recovery[0];
            f[13][r] = recovery[1];
        }
        double[] m = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            m[i] = median(f[i]);
        }
        System.out.println("Load average at the end: " + loadAverage() + ". Medians of " + ROUNDS
                + " rounds; each round ran every side once, in turn.");
        System.out.println();
        System.out.println("| what | multiproc | C floor | Python | goal | met |");
        System.out.println("|---|---:|---:|---:|---|---|");
        row("uncontended lock + unlock (ns)", m[0], m[1], m[2],
                "≤ 2× C (" + fmt(m[0] / m[1]) + "×), ≤ 0.4× Python (" + fmt(m[0] / m[2]) + "×)",
                m[0] <= 2 * m[1] && m[0] <= 0.4 * m[2]);
        row("lock hand-off, round trip (µs)", m[3], m[4], m[5],
                "≤ 1.2× C futex round trip (" + fmt(m[3] / m[4]) + "×)", m[3] <= 1.2 * m[4]);
        row("event round trip (µs)", m[6], m[4], m[7],
                "≤ 1.2× C futex round trip (" + fmt(m[6] / m[4]) + "×)", m[6] <= 1.2 * m[4]);
        row("shared increment (M/s)", m[8], Double.NaN, m[9],
                "≥ 30× Python `Value` under its lock (" + fmt(m[8] / m[9]) + "×)", m[8] >= 30 * m[9]);
        row("copy into shared memory, 64 MiB (GB/s)", m[10], m[11], Double.NaN,
                "≥ 0.9× C memcpy (" + fmt(m[10] / m[11]) + "×)", m[10] >= 0.9 * m[11]);
        System.out.println("| SIGKILL → holder's exit seen here (ms) | " + fmt(m[13]) + " | | | | |");
        row("SIGKILL → next waiter has the lock (ms)", m[12], Double.NaN, Double.NaN,
                "≤ 2× the exit notification (" + fmt(m[12] / m[13]) + "×)", m[12] <= 2 * m[13]);
        System.out.println();
        String[] names = {"lock ns", "C cas ns", "Python lock ns", "hand-off µs", "C futex µs", "Python hand-off µs",
            "event µs", "Python event µs", "increments M/s", "Python Value M/s", "copy GB/s", "C memcpy GB/s",
            "recovery ms", "exit seen ms"};
        for (int i = 0; i < f.length; i++) {
            System.out.println("- " + names[i] + ": " + Arrays.stream(f[i]).mapToObj(IpcBench::fmt).toList());
        }
    }

    /** One figure from the C floor or a Python script ({@code program} null: not available). */
    private static double once(String program, String... args) throws Exception {
        if (program == null || (args.length > 1 && args[0] == null)) {
            return Double.NaN;
        }
        String[] argv = new String[args.length + 2];
        argv[0] = program;
        System.arraycopy(args, 0, argv, 1, args.length);
        argv[argv.length - 1] = "1";
        return IpcFloor.median(argv);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static void row(String what, double multiproc, double c, double python, String goal, boolean met) {
        System.out.println("| " + what + " | " + fmt(multiproc) + " | " + fmt(c) + " | " + fmt(python) + " | " + goal
                + " | " + (Double.isNaN(multiproc) || goal.contains("NaN") ? "?" : met ? "met" : "**not met**") + " |");
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    static double median(double[] figures) {
        double[] sorted = IpcFloor.sorted(figures);
        return sorted[sorted.length / 2];
    }

    private static double uncontendedLockNanos() {
        try (ProcessLock lock = ProcessLock.create()) {
            int n = 20_000_000;
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                lock.lock();
                lock.unlock();
            }
            return (System.nanoTime() - t) / (double) n;
        }
    }

    private static double incrementsPerMicro() {
        try (SharedLongArray value = SharedLongArray.create(1)) {
            int n = 20_000_000;
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                value.getAndAdd(0, 1);
            }
            return n * 1000.0 / (System.nanoTime() - t);
        }
    }

    private static double copyGigabytesPerSecond() {
        long n = 64L << 20;
        try (SharedMemory shared = SharedMemory.allocate(n); Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(n, 64);
            source.fill((byte) 1);
            MemorySegment target = shared.segment();
            target.fill((byte) 2);
            int k = 20;
            long t = System.nanoTime();
            for (int i = 0; i < k; i++) {
                source.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) i);
                MemorySegment.copy(source, 0, target, 0, n);
            }
            return (double) n * k / (System.nanoTime() - t);
        }
    }

    /** The three-lock ring (see the class comment) between this JVM and a child: µs per round trip. */
    private static double lockHandoffMicros() throws Exception {
        int warm = 10_000;
        int n = 5_000;
        try (ProcessLock m0 = ProcessLock.create(); ProcessLock m1 = ProcessLock.create();
             ProcessLock m2 = ProcessLock.create(); ProcessEvent ready = ProcessEvent.create()) {
            m0.lock();
            m1.lock();
            JvmProcess<Void> other = JvmProcess.start(() -> {
                m2.lock();
                ready.set();
                for (int i = 0; i < warm + n; i++) {
                    m0.lock();
                    m2.unlock();
                    m1.lock();
                    m0.unlock();
                    m2.lock();
                    m1.unlock();
                }
                return null;
            });
            ready.await(Duration.ofSeconds(60));
            long t = 0;
            for (int i = 0; i < warm + n; i++) {
                if (i == warm) {
                    t = System.nanoTime();
                }
                m0.unlock();
                m2.lock();
                m1.unlock();
                m0.lock();
                m2.unlock();
                m1.lock();
            }
            double micros = (System.nanoTime() - t) / 1000.0 / (3 * n);
            other.join();
            return micros;
        }
    }

    /** Two events ping-ponged between this JVM and a child: µs per round trip. */
    private static double eventRoundTripMicros() throws Exception {
        int warm = 30_000;
        int n = 15_000;
        try (ProcessEvent ping = ProcessEvent.create(); ProcessEvent pong = ProcessEvent.create()) {
            JvmProcess<Void> other = JvmProcess.start(() -> {
                for (int i = 0; i < warm + n; i++) {
                    ping.await(Duration.ofSeconds(60));
                    ping.clear();
                    pong.set();
                }
                return null;
            });
            long t = 0;
            for (int i = 0; i < warm + n; i++) {
                if (i == warm) {
                    t = System.nanoTime();
                }
                ping.set();
                pong.await(Duration.ofSeconds(60));
                pong.clear();
            }
            double micros = (System.nanoTime() - t) / 1000.0 / n;
            other.join();
            return micros;
        }
    }

    /**
     * A child JVM takes a lock and sleeps; a thread here waits for the lock, another for the
     * child's exit; the child is SIGKILLed. In ms: {waiter has the lock, exit seen}.
     */
    private static double[] recoveryAgainstExit() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); ProcessEvent holding = ProcessEvent.create()) {
            JvmProcess<Void> holder = JvmProcess.builder().daemon(true).start(() -> {
                lock.lock();
                holding.set();
                Thread.sleep(600_000);
                return null;
            });
            holding.await(Duration.ofSeconds(60));
            long[] at = new long[2];
            Thread waiter = Thread.ofPlatform().start(() -> {
                lock.lock();
                at[0] = System.nanoTime();
                lock.unlock();
            });
            Thread exit = Thread.ofPlatform().start(() -> {
                try {
                    holder.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                at[1] = System.nanoTime();
            });
            Thread.sleep(200);
            long killed = System.nanoTime();
            holder.kill();
            waiter.join();
            exit.join();
            return new double[] {(at[0] - killed) / 1e6, (at[1] - killed) / 1e6};
        }
    }

    private static String allowedCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(18).strip()).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }
}
