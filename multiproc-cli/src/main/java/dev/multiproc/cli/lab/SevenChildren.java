package dev.multiproc.cli.lab;

import dev.multiproc.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/** Seed 1, several forks: NUM_PROCESSES = 7 children run timeConsumingFunction at once. */
final class SevenChildren extends Row {
    private static final int CHILDREN = 7;
    private static final int MILLION_ROUNDS = 400;

    SevenChildren() {
        super("seven CPU-bound children run in parallel, faster than one after another",
                "fork() seven times in a loop, each child runs timeConsumingFunction and os._exit(0); waitpid each",
                "start seven JvmProcess tasks, then join them; the same seven joined one by one for the serial time");
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
        boolean allOk = true;
        for (JvmProcess<Long> child : children) {
            allOk &= child.join().success();
        }
        double parallel = LabContext.millisSince(start);
        int cores = Runtime.getRuntime().availableProcessors();
        double speedUp = serial / parallel;
        double expected = Math.min(cores, CHILDREN) > 1 ? 1.3 : 0.7;
        return Outcome.of(allOk && speedUp >= expected,
                "one after another %.0f ms, in parallel %.0f ms: a %.2fx speed-up on %d cores", serial, parallel,
                speedUp, cores);
    }
}
