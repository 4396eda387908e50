package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/** Seed 2, Process() with daemon=False: the main process's exit waits for the child. */
final class NonDaemonAwaited extends Row {
    NonDaemonAwaited() {
        super("daemon=False: the parent's exit waits for the child",
                "with an unfinished non-daemon child, the main process waits for it before it exits",
                "a non-daemon JvmProcess (the default) keeps the parent JVM alive after main returns, until it ends");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        Path file = lab.dir().resolve("worked");
        long start = System.nanoTime();
        LabContext.Parent parent = lab.startParent("non-daemon", file.toString());
        ExitStatus status = parent.process().waitFor();
        double took = LabContext.millisSince(start);
        boolean worked = Files.exists(file);
        return Outcome.of(status.success() && worked && took >= 1000,
                "parent %d: main returned at once, the JVM exited after %.0f ms (%s); child %d finished its 1 s task"
                        + " first: %s", parent.process().pid(), took, status, parent.pid("child"),
                worked ? "yes" : "no");
    }
}
