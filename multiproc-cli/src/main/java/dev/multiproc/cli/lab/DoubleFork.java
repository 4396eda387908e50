package dev.multiproc.cli.lab;

import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import java.time.Duration;

/** Seed 1, preventing zombies: fork twice, so that the grandchild belongs to init, not to us. */
final class DoubleFork extends Row {
    DoubleFork() {
        super("the double fork: a detached child is reparented, survives its parent, never a zombie",
                "fork twice (and setsid); the first child exits at once, the grandchild goes to init",
                "Command.detached(): a new session, not our child from the start; the parent's exit does not touch it");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        LabContext.Parent started = lab.startParent("detach");
        var parent = started.process();
        long detached = started.pid("detached");
        var status = parent.waitFor();
        ProcessEntry entry = ProcessEntry.of(detached).orElse(null);
        boolean alive = entry != null && !entry.zombie();
        boolean reparented = entry != null && entry.ppid() != parent.pid();
        boolean ownSession = entry != null && entry.sid() == detached;
        String evidence = "parent %d exited (%s); detached %d: state %s, ppid %s, sid %s".formatted(parent.pid(),
                status, detached, entry == null ? "gone" : entry.state(),
                entry == null ? "-" : entry.ppid(), entry == null ? "-" : entry.sid());
        Multiproc.killTree(detached, Duration.ofMillis(500));
        ProcessEntry after = ProcessEntry.of(detached).orElse(null);
        boolean notOurZombie = after == null || after.ppid() != lab.self();
        return Outcome.of(alive && reparented && ownSession && notOurZombie, "%s; killed: %s, not our zombie",
                evidence, after == null ? "gone" : "state " + after.state() + " under " + after.ppid());
    }
}
