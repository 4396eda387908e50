package dev.multiproc.cli.lab;

import dev.multiproc.ExitStatus;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Signal;
import java.util.List;

/** Seed 2: SIGTERM or SIGKILL to the main process stops it; its children keep running. */
final class ParentSignalled extends Row {
    private static final List<String> KINDS = List.of("command", "command-survives", "jvm", "jvm-survives");

    ParentSignalled() {
        super("SIGTERM, then SIGKILL, to the parent: what becomes of its children",
                "the main process stops; its children (Process, fork, Popen) keep running, daemon or not",
                "SIGTERM: exit hooks end the children (daemons at once, child JVMs after a grace). SIGKILL: they die too"
                        + " (guardian, lifeline), except those started to survivesParent");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        String python = lab.hasPython() ? "; " + pythonOrphans(lab) : "";

        LabContext.Parent termed = lab.startParent("children");
        termed.process().signal(Signal.SIGTERM);
        ExitStatus termStatus = termed.process().waitFor();
        boolean allEnded = true;
        for (String kind : KINDS) {
            allEnded &= LabContext.awaitGone(termed.pid(kind));
        }

        LabContext.Parent killed = lab.startParent("children");
        killed.process().kill();
        killed.process().waitFor();
        boolean guardedGone = LabContext.awaitGone(killed.pid("command"))
                & LabContext.awaitGone(killed.pid("jvm"));
        boolean survivorsRun = ProcessEntry.isRunning(killed.pid("command-survives"))
                && ProcessEntry.isRunning(killed.pid("jvm-survives"));
        return Outcome.of(termStatus.returncode() == 143 && allEnded && guardedGone && survivorsRun,
                "SIGTERM: parent %d exited %d, its 4 children %s. SIGKILL: parent %d killed; command %d and child JVM %d"
                        + " %s; the survivesParent command %d and child JVM %d %s%s",
                termed.process().pid(), termStatus.returncode(), allEnded ? "ended" : "did NOT all end",
                killed.process().pid(), killed.pid("command"), killed.pid("jvm"),
                guardedGone ? "died" : "did NOT die", killed.pid("command-survives"),
                killed.pid("jvm-survives"), survivorsRun ? "run on under " + ppid(killed.pid("jvm-survives"))
                        : "did NOT survive", python);
    }

    /** A Python parent with a Process and a Popen child, SIGKILLed: are its children still running? */
    private static String pythonOrphans(LabContext lab) throws Exception {
        String out = lab.python("""
                import multiprocessing, os, signal, subprocess, sys, time
                def sleep(): time.sleep(60)
                if __name__ == "__main__":
                    r, w = os.pipe()
                    parent = os.fork()
                    if parent == 0:
                        os.close(r)
                        p = multiprocessing.Process(target=sleep); p.start()
                        q = subprocess.Popen(["sleep", "60"])
                        os.write(w, f"{p.pid} {q.pid}".encode()); os.close(w)
                        time.sleep(60)
                    os.close(w)
                    pids = os.read(r, 100).decode().split()
                    os.kill(parent, signal.SIGKILL); os.waitpid(parent, 0); time.sleep(0.5)
                    alive = [pid for pid in pids if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
                    print(" ".join(pids), len(alive))
                    for pid in pids: os.kill(int(pid), signal.SIGKILL)
                """);
        String[] f = out.split(" ");
        return "Python, live: parent SIGKILLed, its Process child %s and Popen child %s: %s of 2 still running"
                .formatted(f[0], f[1], f[2]);
    }

    private static String ppid(long pid) {
        return ProcessEntry.of(pid).map(e -> "pid " + e.ppid()).orElse("?");
    }
}
