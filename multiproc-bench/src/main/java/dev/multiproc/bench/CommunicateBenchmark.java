package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import dev.multiproc.Redirect;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 1 GiB through a child's stdout. The floor is the kernel alone: a shell pipes the same
 * gigabyte from {@code head} into {@code cat > /dev/null}. multiproc's {@code communicate}
 * keeps the gigabyte (as Python's does); its stream variant drains it to nothing, as does
 * ProcessBuilder with {@code transferTo}. The heap is pre-touched so that first-touch page
 * faults of a new 1 GiB do not drown the copy being measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class CommunicateBenchmark {
    private static final String GIB = Long.toString(1L << 30);

    @Benchmark
    public int kernelPipeFloor() throws Exception {
        return Command.of("sh", "-c", "head -c " + GIB + " /dev/zero | cat > /dev/null")
                .stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT)
                .start().waitFor().returncode();
    }

    @Benchmark
    public long multiprocCommunicate() throws Exception {
        CompletedProcess r = Command.of("head", "-c", GIB, "/dev/zero").stderr(Redirect.INHERIT).start().communicate();
        return r.stdoutSize();
    }

    @Benchmark
    public long multiprocCommunicateToArray() throws Exception {
        CompletedProcess r = Command.of("head", "-c", GIB, "/dev/zero").stderr(Redirect.INHERIT).start().communicate();
        return r.stdout().length;
    }

    @Benchmark
    public long multiprocStreamToNull() throws Exception {
        try (InputStream in = Command.of("head", "-c", GIB, "/dev/zero").stderr(Redirect.INHERIT).start().stdout()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Benchmark
    public long processBuilderTransferTo() throws Exception {
        Process p = new ProcessBuilder("head", "-c", GIB, "/dev/zero").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (InputStream in = p.getInputStream()) {
            long n = in.transferTo(OutputStream.nullOutputStream());
            p.waitFor();
            return n;
        }
    }
}
