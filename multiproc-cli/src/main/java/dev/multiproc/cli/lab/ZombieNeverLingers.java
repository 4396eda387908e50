package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;

/** Seed 2, on zombies: a child that exits while nobody waits stays {@code Z} until its parent reaps it. */
final class ZombieNeverLingers extends Row {

    ZombieNeverLingers() {
        super("a child that exits while nobody waits becomes a zombie",
                "without wait()/join()/communicate(), the child shows as Z in ps until the parent ends",
                "the event thread reaps it at once, with nobody waiting (how long it was Z is shown); its status"
                        + " stays available");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        String python = "";
        if (lab.hasPython()) {
            String seen = lab.python("""
                    import subprocess, time
                    p = subprocess.Popen(["true"])
                    time.sleep(0.3)
                    print(p.pid, open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()[0])
                    """);
            python = "; Python's Popen child %s after 300 ms unwaited".formatted(seen.replace(" ", " was "));
        }
        Subprocess child = Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.DISCARD).start();
        long start = System.nanoTime();
        long firstZombie = -1;
        long lastZombie = -1;
        int looks = 0;
        while (System.nanoTime() - start < LabContext.PATIENCE.toNanos()) {
            String state = LabContext.state(child.pid());
            looks++;
            if (state.equals("Z")) {
                long now = System.nanoTime();
                firstZombie = firstZombie < 0 ? now : firstZombie;
                lastZombie = now;
            }
            if (state.equals("gone")) {
                break;
            }
        }
        double goneAfter = LabContext.millisSince(start);
        double zombieMillis = firstZombie < 0 ? 0 : (lastZombie - firstZombie) / 1e6;
        ExitStatus status = child.exitStatus().orElse(null);
        boolean gone = LabContext.state(child.pid()).equals("gone");
        String seen = firstZombie < 0 ? "never seen as Z" : "seen as Z for %.2f ms".formatted(zombieMillis);
        return Outcome.of(gone && status != null,
                "child %d: %s in %d looks at /proc, gone %.1f ms after start; nobody waited, its status: %s%s",
                child.pid(), seen, looks, goneAfter, status, python);
    }
}
