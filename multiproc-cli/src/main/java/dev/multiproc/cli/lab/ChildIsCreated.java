package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;

/** Seed 1: {@code fork()} returns twice; the parent gets the child's pid, the child its own. */
final class ChildIsCreated extends Row {
    ChildIsCreated() {
        super("a child is created; parent and child are told apart",
                "os.fork() returns twice: the child's pid in the parent, 0 in the child",
                "start() returns a handle with the child's pid; the child sees this JVM as its parent");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        var child = Command.of("sh", "-c", "echo $$ $PPID").start();
        CompletedProcess r = child.communicate();
        String[] ids = r.stdoutText().strip().split(" ");
        long pid = Long.parseLong(ids[0]);
        long ppid = Long.parseLong(ids[1]);
        return Outcome.of(pid == child.pid() && ppid == lab.self(),
                "parent %d; handle says child %d; the child says pid %d, ppid %d", lab.self(), child.pid(), pid, ppid);
    }
}
