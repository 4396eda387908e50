package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.Subprocess;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 200 children each streaming 10 MB on stdout (and a line on stderr), read as they go:
 * multiproc with a callback per stream (virtual threads parked on the event loop) against
 * ProcessBuilder with a pump thread per stream. A sampler reads the platform thread count
 * every millisecond while a run goes on; the peak above the count at the start (less the
 * sampler itself) is printed at the end of each benchmark.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class ManyStreamsBenchmark {
    private static final int CHILDREN = 200;
    private static final String SCRIPT = "head -c 10000000 /dev/zero; echo done >&2";

    private final AtomicInteger peakThreads = new AtomicInteger();
    private final int baseline = threads();

    /** Samples the platform thread count every millisecond until stopped. */
    private Thread sampler() {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                notePeak();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Benchmark
    public long multiprocCallbacks() throws Exception {
        Thread sampler = sampler();
        AtomicLong bytes = new AtomicLong();
        List<CompletableFuture<Void>> pumps = new ArrayList<>();
        List<Subprocess> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            Subprocess child = Command.of("sh", "-c", SCRIPT).start();
            children.add(child);
            pumps.add(child.forEachStdoutChunk(chunk -> bytes.addAndGet(chunk.length)));
            pumps.add(child.forEachStderrLine(line -> bytes.incrementAndGet()));
        }
        for (CompletableFuture<Void> pump : pumps) {
            pump.join();
        }
        for (Subprocess child : children) {
            child.waitFor();
        }
        sampler.interrupt();
        return bytes.get();
    }

    @Benchmark
    public long processBuilderPumpThreads() throws Exception {
        Thread sampler = sampler();
        AtomicLong bytes = new AtomicLong();
        List<Thread> pumps = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            Process child = new ProcessBuilder("sh", "-c", SCRIPT).start();
            children.add(child);
            pumps.add(Thread.ofPlatform().start(() -> drain(child.getInputStream(), bytes)));
            pumps.add(Thread.ofPlatform().start(() -> drain(child.getErrorStream(), bytes)));
        }
        for (Thread pump : pumps) {
            pump.join();
        }
        for (Process child : children) {
            child.waitFor();
        }
        sampler.interrupt();
        return bytes.get();
    }

    private static void drain(InputStream in, AtomicLong bytes) {
        try (in) {
            bytes.addAndGet(in.transferTo(OutputStream.nullOutputStream()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void notePeak() {
        peakThreads.accumulateAndGet(threads(), Math::max);
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @TearDown
    public void report() {
        System.out.printf("%n[peak platform threads while streaming: %d above the %d at start]%n",
                peakThreads.get() - baseline - 1, baseline);
    }
}
