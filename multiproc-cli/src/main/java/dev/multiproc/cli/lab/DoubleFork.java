package dev.multiproc.cli.lab;

import dev.multiproc.CompletedProcess;
import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import java.time.Duration;
import java.util.Map;

/** Seed 1, preventing zombies: fork twice, so that the grandchild belongs to init, not to us. */
final class DoubleFork implements Row {
    @Override
    public String claim() {
        return "the double fork: a detached child is reparented, survives its parent, never a zombie";
    }

    @Override
    public String python() {
        return "fork twice (and setsid); the first child exits at once, the grandchild goes to init";
    }

    @Override
    public String multiproc() {
        return "Command.detached(): a new session, not our child from the start; the parent's exit does not touch it";
    }

    @Override
    public Outcome run(LabContext lab) throws Exception {
        var parent = lab.parentJvm("detach").start();
        CompletedProcess out = parent.communicate(null, Duration.ofSeconds(20));
        Map<String, String> said = Lines.keyValues(out.stdoutText());
        long detached = Long.parseLong(said.get("detached"));
        lab.cleanUpLater(detached);
        ProcessEntry entry = ProcessEntry.of(detached).orElse(null);
        boolean alive = entry != null && !entry.zombie();
        boolean reparented = entry != null && entry.ppid() != parent.pid();
        boolean ownSession = entry != null && entry.sid() == detached;
        String evidence = "parent %d exited (%s); detached %d: state %s, ppid %s, sid %s".formatted(parent.pid(),
                out.exitStatus(), detached, entry == null ? "gone" : entry.state(),
                entry == null ? "-" : entry.ppid(), entry == null ? "-" : entry.sid());
        Multiproc.killTree(detached, Duration.ofMillis(500));
        ProcessEntry after = ProcessEntry.of(detached).orElse(null);
        boolean notOurZombie = after == null || after.ppid() != lab.self();
        return Outcome.of(alive && reparented && ownSession && notOurZombie, "%s; killed: %s, not our zombie",
                evidence, after == null ? "gone" : "state " + after.state() + " under " + after.ppid());
    }
}
