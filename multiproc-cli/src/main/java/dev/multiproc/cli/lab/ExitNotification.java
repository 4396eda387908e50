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
        int told = 0;
        for (int i = 0; i < TRIALS; i++) {
            Subprocess child = Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start();
            long start = System.nanoTime();
            child.kill();
            long[] seen = new long[1];
            boolean[] reaped = new boolean[1];
            child.onExit().thenRun(() -> {
                seen[0] = System.nanoTime();
                reaped[0] = child.exitStatus().map(s -> s.returncode() == -9).orElse(false);
            }).join();
            micros[i] = (seen[0] - start) / 1e3;
            told += reaped[0] ? 1 : 0;
        }
        Arrays.sort(micros);
        return Outcome.of(told == TRIALS, "SIGKILL to onExit() action, %d children: %d told of their reaped"
                        + " status (-9); p50 %.0f µs, max %.0f µs", TRIALS, told, micros[TRIALS / 2],
                micros[TRIALS - 1]);
    }
}
