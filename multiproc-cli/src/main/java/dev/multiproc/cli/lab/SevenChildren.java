package dev.multiproc.cli.lab;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 1, several forks: NUM_PROCESSES = 7 children run timeConsumingFunction at once. What
 * holds is that they run at once: all seven are running together once the last has started.
 * How much faster that is than one after another depends on the cores and on what else the
 * machine runs, so the speed-up is shown, not required.
 */
final class SevenChildren extends Row {
    private static final int CHILDREN = 7;
    private static final int MILLION_ROUNDS = 400;

    SevenChildren() {
        super("seven CPU-bound children run in parallel",
                "fork() seven times in a loop, each child runs timeConsumingFunction and os._exit(0); waitpid each",
                "start seven JvmProcess tasks, then join them: all seven run at once; the same seven joined one"
                        + " by one give the serial time, to show the speed-up");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < CHILDREN; i++) {
            JvmProcess.start(LabTasks.timeConsuming(MILLION_ROUNDS)).join();
        }
        double serial = LabContext.millisSince(start);
        start = System.nanoTime();
        List<JvmProcess<Long>> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            children.add(JvmProcess.start(LabTasks.timeConsuming(MILLION_ROUNDS)));
        }
        long together = children.stream().filter(c -> ProcessEntry.isRunning(c.pid())).count();
        boolean allOk = true;
        for (JvmProcess<Long> child : children) {
            allOk &= child.join().success();
        }
        double parallel = LabContext.millisSince(start);
        int cores = Runtime.getRuntime().availableProcessors();
        return Outcome.of(allOk && together == CHILDREN,
                "%d of %d running at once after the last start; one after another %.0f ms, in parallel %.0f ms:"
                        + " a %.2fx speed-up on %d cores", together, CHILDREN, serial, parallel, serial / parallel,
                cores);
    }
}
