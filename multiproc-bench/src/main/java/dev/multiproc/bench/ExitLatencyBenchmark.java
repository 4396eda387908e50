package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * From a child's death to the notification: SIGKILL (the kernel ends the process at once)
 * until {@code onExit()} has run a dependent action, and until {@code waitFor()} returns.
 * Sampled, for percentiles. The child is started outside the measured time.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class ExitLatencyBenchmark {
    private Subprocess child;

    @Setup(Level.Invocation)
    public void startChild() throws Exception {
        child = Command.of("sleep", "3600").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.DISCARD).start();
    }

    @Benchmark
    public ExitStatus killToOnExitAction() {
        child.kill();
        return child.onExit().thenApply(status -> status).join();
    }

    @Benchmark
    public ExitStatus killToWaitFor() throws Exception {
        child.kill();
        return child.waitFor();
    }
}
