package dev.multiproc.bench;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ProcessQueue} between child JVMs (producers) and this JVM (the consumer) against Python's
 * {@code multiprocessing.Queue} and {@code SimpleQueue}, a C futex round trip (the floor) and a
 * small many-to-one ring in one JVM in the manner of Agrona's (records claimed by compare-and-set
 * on the tail, committed by an ordered store of their length; busy-spinning, threads of one JVM),
 * in one run: ints per second 1→1 and 2→1, and put→get latency (half a round trip over two
 * queues). Medians of 5 (after a warm-up round).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp multiproc-bench/target/benchmarks.jar dev.multiproc.bench.QueueBench</pre>
 *
 * Not JMH: the other sides are C and Python. Prints markdown.
 */
public final class QueueBench {
    private static final int MESSAGES = 1_000_000;
    private static final int ROUND_TRIPS = 20_000;
    private static final int CAPACITY = 1000;

    private QueueBench() {}

    public static void main(String[] args) throws Exception {
        System.out.println(IpcBaselines.machine());
        double oneToOne = rate(1);
        double twoToOne = rate(2);
        double latency = latencyMicros();
        double ring1 = ringRate(1);
        double ring2 = ringRate(2);
        Map<String, Double> c = IpcBaselines.c();
        Map<String, Double> py = IpcBaselines.python("queue");
        double cFutex = c.getOrDefault("c.futexRoundTripMicros", Double.NaN);
        double py1 = py.getOrDefault("python.queue1to1PerSecond", Double.NaN);
        double py2 = py.getOrDefault("python.queue2to1PerSecond", Double.NaN);
        double pyLatency = py.getOrDefault("python.simpleQueueLatencyMicros", Double.NaN);
        System.out.println();
        System.out.println("| measure | multiproc | in-JVM ring | C futex round trip | Python | ratio | goal | |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---|");
        System.out.printf("| 1→1 ints/s | %,.0f | %,.0f | | %,.0f (`Queue`) | %.1f× Python, %.2f× ring | ≥ 10× Python, ≥ 0.2× ring | %s |%n",
                oneToOne, ring1, py1, oneToOne / py1, oneToOne / ring1,
                IpcBaselines.met(oneToOne >= 10 * py1 && oneToOne >= 0.2 * ring1));
        System.out.printf("| 2→1 ints/s | %,.0f | %,.0f | | %,.0f (`Queue`) | %.1f× Python, %.2f× ring | ≥ 10× Python, ≥ 0.2× ring | %s |%n",
                twoToOne, ring2, py2, twoToOne / py2, twoToOne / ring2,
                IpcBaselines.met(twoToOne >= 10 * py2 && twoToOne >= 0.2 * ring2));
        System.out.printf("| put→get latency µs | %.1f | | %.1f | %.1f (`SimpleQueue`) | %.2f× C futex, %.2f× Python | ≤ 0.6× C futex, ≤ 0.5× Python | %s |%n",
                latency, cFutex, pyLatency, latency / cFutex, latency / pyLatency,
                IpcBaselines.met(latency <= 0.6 * cFutex && latency <= 0.5 * pyLatency));
    }

    /** Ints per second from {@code producers} child JVMs to this one. */
    private static double rate(int producers) throws Exception {
        try (ProcessQueue<Integer> queue = ProcessQueue.create(CAPACITY);
             ProcessQueue<String> go = ProcessQueue.create(16)) {
            int each = MESSAGES / producers;
            List<JvmProcess<Integer>> children = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                children.add(JvmProcess.start(() -> {
                    int rounds = 0;
                    while ("go".equals(go.take())) {
                        for (int i = 0; i < each; i++) {
                            queue.put(i);
                        }
                        rounds++;
                    }
                    return rounds;
                }));
            }
            double[] rates = new double[5];
            for (int round = -1; round < 5; round++) {
                long t = System.nanoTime();
                for (int p = 0; p < producers; p++) {
                    go.put("go");
                }
                for (int i = 0; i < each * producers; i++) {
                    queue.take();
                }
                if (round >= 0) {
                    rates[round] = each * producers / ((System.nanoTime() - t) / 1e9);
                }
            }
            for (int p = 0; p < producers; p++) {
                go.put("stop");
            }
            for (JvmProcess<Integer> child : children) {
                child.result();
            }
            return IpcBaselines.median(rates);
        }
    }

    /** Half the round trip of an int through two queues, to a child JVM and back. */
    private static double latencyMicros() throws Exception {
        try (ProcessQueue<Integer> there = ProcessQueue.create(1); ProcessQueue<Integer> back = ProcessQueue.create(1)) {
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                int n = 0;
                while (true) {
                    int m = there.take();
                    back.put(m);
                    if (m < 0) {
                        return n;
                    }
                    n++;
                }
            });
            double[] micros = new double[5];
            for (int round = -1; round < 5; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    there.put(i);
                    back.take();
                }
                if (round >= 0) {
                    micros[round] = (System.nanoTime() - t) / 1e3 / ROUND_TRIPS / 2;
                }
            }
            there.put(-1);
            back.take();
            child.result();
            return IpcBaselines.median(micros);
        }
    }

    // ------------------------------------------------------------------ the in-JVM ring

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int RECORD = 16; // length int, type int, payload int, padding
    private static final long RING_BYTES = 1 << 16;
    private static final long TAIL = RING_BYTES;
    private static final long HEAD = RING_BYTES + 64;

    /** Ints per second through a many-to-one ring from {@code producers} threads to one. */
    private static double ringRate(int producers) throws Exception {
        double[] rates = new double[5];
        for (int round = -1; round < 5; round++) {
            MemorySegment ring = Arena.ofAuto().allocate(RING_BYTES + 128, 64);
            int each = MESSAGES / producers;
            List<Thread> threads = new ArrayList<>();
            long t = System.nanoTime();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        ringPut(ring, i);
                    }
                }));
            }
            long sum = 0;
            for (int i = 0; i < each * producers; i++) {
                sum += ringTake(ring);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (sum < 0) {
                throw new AssertionError();
            }
            if (round >= 0) {
                rates[round] = each * producers / ((System.nanoTime() - t) / 1e9);
            }
        }
        return IpcBaselines.median(rates);
    }

    private static void ringPut(MemorySegment ring, int value) {
        while (true) {
            long tail = (long) LONG.getVolatile(ring, TAIL);
            long head = (long) LONG.getVolatile(ring, HEAD);
            if (tail - head + RECORD > RING_BYTES) {
                Thread.onSpinWait();
                continue;
            }
            if (LONG.compareAndSet(ring, TAIL, tail, tail + RECORD)) {
                long at = tail & (RING_BYTES - 1);
                INT.set(ring, at + 8, value);
                INT.setRelease(ring, at, RECORD); // committed: the length last
                return;
            }
        }
    }

    private static int ringTake(MemorySegment ring) {
        long head = (long) LONG.get(ring, HEAD);
        long at = head & (RING_BYTES - 1);
        while ((int) INT.getAcquire(ring, at) == 0) {
            Thread.onSpinWait();
        }
        int value = (int) INT.get(ring, at + 8);
        INT.set(ring, at, 0);
        LONG.setRelease(ring, HEAD, head + RECORD);
        return value;
    }
}
