package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Spawn + wait of {@code /bin/true} with 0 and with 1,000 other children alive: the cost must not grow with them. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class SpawnUnderLoadBenchmark {
    @Param({"0", "1000"})
    public int liveChildren;

    private final List<Subprocess> live = new ArrayList<>();
    private Command command;

    @Setup
    public void setUp() throws Exception {
        for (int i = 0; i < liveChildren; i++) {
            live.add(Command.of("sleep", "3600").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start());
        }
        command = Command.of("/bin/true").stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT);
    }

    @TearDown
    public void tearDown() throws Exception {
        for (Subprocess p : live) {
            p.kill();
        }
        for (Subprocess p : live) {
            p.waitFor(Duration.ofSeconds(10));
        }
    }

    @Benchmark
    public ExitStatus spawnAndWait() throws Exception {
        return command.start().waitFor();
    }
}
