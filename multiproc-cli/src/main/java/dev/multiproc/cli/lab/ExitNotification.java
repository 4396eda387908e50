package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.util.Arrays;

/** Seed 1, preventing zombies with signals: SIGCHLD tells the parent a child ended. */
final class ExitNotification extends Row {
    private static final int TRIALS = 30;

    ExitNotification() {
        super("SIGCHLD: the parent is told when a child ends",
                "the kernel sends SIGCHLD; a handler calls waitpid() to reap",
                "onExit() completes when the event thread has reaped the child (a pidfd turns readable)");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        double[] micros = new double[TRIALS];
        for (int i = 0; i < TRIALS; i++) {
            Subprocess child = Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start();
            long start = System.nanoTime();
            child.kill();
            long[] seen = new long[1];
            child.onExit().thenRun(() -> seen[0] = System.nanoTime()).join();
            micros[i] = (seen[0] - start) / 1e3;
        }
        Arrays.sort(micros);
        double p50 = micros[TRIALS / 2];
        return Outcome.of(p50 < 5_000, "SIGKILL to onExit() action, %d children: p50 %.0f µs, max %.0f µs",
                TRIALS, p50, micros[TRIALS - 1]);
    }
}
