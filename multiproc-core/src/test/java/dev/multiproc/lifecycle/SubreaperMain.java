package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import java.util.List;

/**
 * A JVM that becomes a subreaper, then for {@code args[0]} rounds: starts a shell that
 * backgrounds three grandchildren and exits at once (they are orphaned to this JVM), beside a
 * ProcessBuilder child and a multiproc child whose statuses must stay theirs. Then prints
 * {@code zombies=N} (zombie children of this JVM a moment after everything ended),
 * {@code jdk=CODE...} and {@code multiproc=STATUS...}.
 */
public final class SubreaperMain {
    private SubreaperMain() {}

    public static void main(String[] args) throws Exception {
        Multiproc.becomeSubreaper();
        int rounds = Integer.parseInt(args[0]);
        StringBuilder jdk = new StringBuilder();
        StringBuilder ours = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            Process pb = new ProcessBuilder("sh", "-c", "sleep 0.2; exit 7").start();
            var mp = Command.of("sh", "-c", "sleep 0.25; exit 5").start();
            Command.of("sh", "-c", "sleep 0.1 & sleep 0.3 & (sleep 0.2; exit 3) & exit 0").run();
            jdk.append(pb.waitFor()).append(' ');
            ExitStatus s = mp.waitFor();
            ours.append(s.exitCode().orElse(-1)).append(' ');
        }
        Thread.sleep(1500); // the orphans end after 0.3 s; the subreaper reaps within 0.3 s more
        long self = ProcessHandle.current().pid();
        List<ProcessEntry> zombies = ProcessEntry.snapshot().stream()
                .filter(e -> e.ppid() == self && e.zombie()).toList();
        System.out.println("zombies=" + zombies.size() + " " + zombies);
        System.out.println("jdk=" + jdk.toString().strip());
        System.out.println("multiproc=" + ours.toString().strip());
        System.out.println("subreaper=" + Multiproc.isSubreaper());
    }
}
