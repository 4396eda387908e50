package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/** Seed 2, Process() with daemon=True: the main process terminates the child when it is done. */
final class DaemonTerminated extends Row {
    DaemonTerminated() {
        super("daemon=True: the parent's exit terminates the child",
                "once the main process's logic is done, it terminates the still-running daemon child and exits",
                "a daemon JvmProcess gets SIGTERM (tree, short grace, then SIGKILL) when the parent JVM exits");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        Path finished = lab.dir().resolve("daemon-finished");
        long start = System.nanoTime();
        LabContext.Parent parent = lab.startParent("daemon", finished.toString());
        long child = parent.pid("child");
        ExitStatus status = parent.process().waitFor();
        double took = LabContext.millisSince(start);
        boolean gone = LabContext.awaitGone(child);
        boolean taskFinished = Files.exists(finished);
        return Outcome.of(status.success() && gone && !taskFinished,
                "parent %d exited after %.0f ms (%s), not waiting for the child's 60 s task (finished: %s);"
                        + " daemon child %d: %s", parent.process().pid(), took, status, taskFinished ? "yes" : "no",
                child, gone ? "terminated" : "still running");
    }
}
