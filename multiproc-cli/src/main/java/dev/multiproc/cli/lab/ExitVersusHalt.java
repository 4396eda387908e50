package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/** Seed 2, the last part: sys.exit() ends like the code running out; os._exit() ends like a SIGKILL. */
final class ExitVersusHalt extends Row {
    ExitVersusHalt() {
        super("sys.exit vs os._exit, as System.exit vs Runtime.halt",
                "sys.exit(): as if the code ran out (non-daemon children awaited, daemon ones terminated);"
                        + " os._exit(): as if killed, children untouched",
                "System.exit: exit hooks run (daemons terminated, child JVMs awaited). Runtime.halt: nothing runs,"
                        + " yet every child dies (guardian, lifeline)");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        Path exitDir = Files.createDirectories(lab.dir().resolve("exit"));
        LabContext.Parent exited = lab.startParent("exit", exitDir.toString());
        ExitStatus exitStatus = exited.process().waitFor();
        boolean hookRan = Files.exists(exitDir.resolve("hook"));
        boolean awaited = Files.exists(exitDir.resolve("worked"));
        boolean daemonsGone = LabContext.awaitGone(exited.pid("command"))
                & LabContext.awaitGone(exited.pid("daemon-jvm"));

        Path haltDir = Files.createDirectories(lab.dir().resolve("halt"));
        LabContext.Parent halted = lab.startParent("halt", haltDir.toString());
        ExitStatus haltStatus = halted.process().waitFor();
        boolean haltHook = Files.exists(haltDir.resolve("hook"));
        boolean allGone = true;
        for (long pid : halted.said().values()) {
            allGone &= LabContext.awaitGone(pid);
        }
        boolean haltAwaited = Files.exists(haltDir.resolve("worked"));
        return Outcome.of(exitStatus.success() && hookRan && awaited && daemonsGone && haltStatus.returncode() == 3
                        && !haltHook && allGone && !haltAwaited,
                "System.exit: parent %d %s, hook ran: %s, non-daemon child JVM finished first: %s, daemons"
                        + " terminated: %s. Runtime.halt: parent %d %s, hook ran: %s, its 3 children died: %s",
                exited.process().pid(), exitStatus, yes(hookRan), yes(awaited), yes(daemonsGone),
                halted.process().pid(), haltStatus, yes(haltHook), yes(allGone));
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
