package dev.multiproc.bench;

import dev.multiproc.ProcessPool;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@code ProcessPool}'s overhead, measured in this JVM for regressions: the round trip of one
 * tiny task (sampled, so that JMH reports percentiles) against an in-JVM {@link ForkJoinPool}
 * of the same size, and {@code map(x -> x * x)} over 100,000 ints, unchunked and in chunks of
 * 1,000 (per element). The comparison with Python is {@link PoolBench}.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class PoolBenchmark {
    private static final int MAP_SIZE = 100_000;

    @Param("2")
    int workers;

    private ProcessPool pool;
    private ForkJoinPool forkJoin;
    private List<Integer> inputs;

    @Setup
    public void setUp() throws Exception {
        pool = ProcessPool.builder().workers(workers).build();
        pool.submit(() -> 1).get();
        forkJoin = new ForkJoinPool(workers);
        inputs = IntStream.range(0, MAP_SIZE).boxed().toList();
    }

    @TearDown
    public void tearDown() {
        pool.close();
        forkJoin.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer roundTrip() throws Exception {
        return pool.submit(() -> 1).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer roundTripForkJoinFloor() throws Exception {
        return forkJoin.submit(() -> 1).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MAP_SIZE)
    public List<Integer> mapUnchunked() throws Exception {
        return pool.map(x -> x * x, inputs);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MAP_SIZE)
    public List<Integer> mapChunksOf1000() throws Exception {
        return pool.map(x -> x * x, inputs, 1000);
    }
}
