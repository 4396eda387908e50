package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.internal.posix.SigSet;
import dev.multiproc.internal.posix.Spawn;
import dev.multiproc.internal.posix.SpawnAttributes;
import dev.multiproc.internal.posix.SpawnFileActions;
import dev.multiproc.internal.posix.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn and wait for {@code /bin/true}, three ways: multiproc (guarded, the default, and
 * with {@code survivesParent()}, which skips the guardian); the JDK's ProcessBuilder; and
 * the floor, a bare {@code posix_spawn} + {@code waitid} loop on the calling thread with no
 * bookkeeping at all. All three leave stdio inherited so that only the spawn is measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class SpawnBenchmark {
    private static final String TRUE = "/bin/true";

    private Command command;
    private Command unguarded;
    private ProcessBuilder processBuilder;
    private Arena arena;
    private MemorySegment argv;
    private MemorySegment envp;

    @Setup
    public void setUp() {
        command = Command.of(TRUE).stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT);
        unguarded = command.survivesParent();
        processBuilder = new ProcessBuilder(TRUE).inheritIO();
        arena = Arena.ofConfined();
        argv = Spawn.stringArray(arena, List.of(TRUE));
        envp = Spawn.stringArray(arena, List.of("PATH=/usr/bin:/bin"));
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public ExitStatus multiproc() throws Exception {
        return command.start().waitFor();
    }

    /** Without the guardian's bookkeeping: what {@code multiproc} costs over this is the no-orphan guarantee. */
    @Benchmark
    public ExitStatus multiprocSurvivesParent() throws Exception {
        return unguarded.start().waitFor();
    }

    @Benchmark
    public int processBuilder() throws Exception {
        return processBuilder.start().waitFor();
    }

    /** The floor: what posix_spawn and waitid cost with nothing around them. */
    @Benchmark
    public Wait.Reaped posixSpawnFloor() throws Exception {
        try (Arena call = Arena.ofConfined();
             SpawnFileActions actions = new SpawnFileActions(call);
             SpawnAttributes attributes = new SpawnAttributes(call)) {
            attributes.setflags(SpawnAttributes.POSIX_SPAWN_SETSIGMASK);
            attributes.setsigmask(SigSet.empty(call));
            int pid = Spawn.posix_spawnp(actions, attributes, argv, envp, TRUE);
            return Wait.waitid(Wait.P_PID, pid, Wait.WEXITED);
        }
    }
}
