package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import dev.multiproc.JvmProcess;

/** Seed 1: {@code os.waitpid(child, 0)} blocks the parent until the child's function is done. */
final class ParentWaits extends Row {
    ParentWaits() {
        super("the parent waits for the child (waitpid), and can time it",
                "os.waitpid(child, 0) returns when the child has run timeConsumingFunction and called os._exit(0)",
                "JvmProcess.start(task) runs the function in a child JVM; join() returns its status when it is done");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        JvmProcess<Long> child = JvmProcess.builder().name("timeConsumingFunction").start(LabTasks.timeConsuming(300));
        long start = System.nanoTime();
        ExitStatus status = child.join();
        double waited = LabContext.millisSince(start);
        long result = child.result();
        return Outcome.of(status.success() && !child.isAlive(),
                "waited %.0f ms for child %d (timeConsumingFunction, 300 million steps, returned %d): %s",
                waited, child.pid(), result, status);
    }
}
