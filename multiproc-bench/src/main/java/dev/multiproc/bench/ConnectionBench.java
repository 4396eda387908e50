package dev.multiproc.bench;

import dev.multiproc.Connection;
import dev.multiproc.JvmProcess;
import dev.multiproc.Pipe;
import java.util.Map;

/**
 * {@link Connection} between this JVM and a child JVM against a C pipe (the floor) and Python's
 * {@code multiprocessing.Pipe()}, in one run: round trip of a short {@code String}, one-way 64-byte
 * messages per second, and 1 MiB messages in MB/s. Medians of 5 (after a warm-up round).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.ConnectionBench</pre>
 *
 * Not JMH: the other sides are C and Python, and the point is the ratios in one run. Prints markdown.
 */
public final class ConnectionBench {
    private static final int ROUND_TRIPS = 20_000;
    private static final int SMALL = 500_000;
    private static final int BIG = 200;
    private static final int MIB = 1 << 20;

    private ConnectionBench() {}

    public static void main(String[] args) throws Exception {
        System.out.println(IpcBaselines.machine());
        double roundTrip = roundTripMicros();
        double[] oneWay = oneWay();
        Map<String, Double> c = IpcBaselines.c();
        Map<String, Double> py = IpcBaselines.python("connection");
        double cRt = c.getOrDefault("c.pipeRoundTripMicros", Double.NaN);
        double cWrite = c.getOrDefault("c.pipeWrite64PerSecond", Double.NaN);
        double pyRt = py.getOrDefault("python.pipeRoundTripMicros", Double.NaN);
        double pyMib = py.getOrDefault("python.pipe1MiBMBps", Double.NaN);
        System.out.println();
        System.out.println("| measure | multiproc | C pipe | Python `Pipe()` | ratio | goal | |");
        System.out.println("|---|---:|---:|---:|---:|---|---|");
        System.out.printf("| round trip, short String (µs) | %.1f | %.1f | %.1f | %.2f× C, %.2f× Python | ≤ 1.25× C, ≤ 0.5× Python | %s |%n",
                roundTrip, cRt, pyRt, roundTrip / cRt, roundTrip / pyRt,
                IpcBaselines.met(roundTrip <= 1.25 * cRt && roundTrip <= 0.5 * pyRt));
        System.out.printf("| one way, 64 B (msgs/s) | %,.0f | %,.0f | | %.2f× C | ≥ 0.8× C | %s |%n",
                oneWay[0], cWrite, oneWay[0] / cWrite, IpcBaselines.met(oneWay[0] >= 0.8 * cWrite));
        System.out.printf("| one way, 1 MiB (MB/s) | %,.0f | | %,.0f | %.1f× Python | ≥ 5× Python | %s |%n",
                oneWay[1], pyMib, oneWay[1] / pyMib, IpcBaselines.met(oneWay[1] >= 5 * pyMib));
    }

    private static double roundTripMicros() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            Connection<Object> there = pipe.right();
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                int n = 0;
                while (true) {
                    Object m = there.recv();
                    if ("stop".equals(m)) {
                        return n;
                    }
                    there.send(m);
                    n++;
                }
            });
            Connection<Object> here = pipe.left();
            double[] micros = new double[5];
            for (int round = -1; round < 5; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    here.send("ping");
                    here.recv();
                }
                if (round >= 0) {
                    micros[round] = (System.nanoTime() - t) / 1e3 / ROUND_TRIPS;
                }
            }
            here.send("stop");
            child.result();
            return IpcBaselines.median(micros);
        }
    }

    /** 64-byte messages per second, and MB/s of 1 MiB messages, from a child to this JVM. */
    private static double[] oneWay() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            Connection<Object> there = pipe.right();
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                byte[] small = new byte[64];
                byte[] big = new byte[MIB];
                int rounds = 0;
                while (true) {
                    Object m = there.recv();
                    if ("small".equals(m)) {
                        for (int i = 0; i < SMALL; i++) {
                            there.sendBytes(small);
                        }
                    } else if ("big".equals(m)) {
                        for (int i = 0; i < BIG; i++) {
                            there.sendBytes(big);
                        }
                    } else {
                        return rounds;
                    }
                    rounds++;
                }
            });
            Connection<Object> here = pipe.left();
            double[] small = new double[5];
            double[] big = new double[5];
            for (int round = -1; round < 5; round++) {
                long t = System.nanoTime();
                here.send("small");
                for (int i = 0; i < SMALL; i++) {
                    here.recvBytes();
                }
                double s = SMALL / ((System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                here.send("big");
                for (int i = 0; i < BIG; i++) {
                    here.recvBytes();
                }
                double b = (double) BIG * MIB / ((System.nanoTime() - t) / 1e9) / 1e6;
                if (round >= 0) {
                    small[round] = s;
                    big[round] = b;
                }
            }
            here.send("stop");
            child.result();
            return new double[] {IpcBaselines.median(small), IpcBaselines.median(big)};
        }
    }
}
