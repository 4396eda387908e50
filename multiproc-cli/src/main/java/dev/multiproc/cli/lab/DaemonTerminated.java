package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import java.time.Duration;

/** Seed 2, Process() with daemon=True: the main process terminates the child when it is done. */
final class DaemonTerminated extends Row {
    DaemonTerminated() {
        super("daemon=True: the parent's exit terminates the child",
                "once the main process's logic is done, it terminates the still-running daemon child and exits",
                "a daemon JvmProcess gets SIGTERM (tree, short grace, then SIGKILL) when the parent JVM exits");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        long start = System.nanoTime();
        LabContext.Parent parent = lab.startParent("daemon");
        long child = parent.pid("child");
        ExitStatus status = parent.process().waitFor();
        double took = LabContext.millisSince(start);
        boolean gone = LabContext.awaitGone(child, Duration.ofSeconds(2));
        return Outcome.of(status.success() && gone && took < 20_000,
                "parent %d exited after %.0f ms (%s), not waiting for the child's 60 s task; daemon child %d: %s",
                parent.process().pid(), took, status, child, gone ? "terminated" : "still running");
    }
}
