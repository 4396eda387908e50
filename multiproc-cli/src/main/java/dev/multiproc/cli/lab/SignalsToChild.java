package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;

/** Seed 2: SIGTERM or SIGKILL to a child stops the child; the parent goes on. */
final class SignalsToChild extends Row {
    SignalsToChild() {
        super("SIGTERM and SIGKILL to a child: it stops, the parent goes on",
                "the child stops, the parent is unaffected; returncode -15 and -9",
                "the same, through a pidfd; ExitStatus.returncode() is -15 and -9");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        Command sleep = Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
        Subprocess a = sleep.start();
        Subprocess b = sleep.start();
        a.terminate();
        b.kill();
        ExitStatus sa = a.waitFor();
        ExitStatus sb = b.waitFor();
        return Outcome.of(sa.returncode() == -15 && sb.returncode() == -9,
                "child %d after SIGTERM: %s (returncode %d); child %d after SIGKILL: %s (returncode %d); parent %d goes on",
                a.pid(), sa, sa.returncode(), b.pid(), sb, sb.returncode(), lab.self());
    }
}
