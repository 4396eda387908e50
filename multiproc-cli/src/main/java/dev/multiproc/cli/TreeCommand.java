package dev.multiproc.cli;

import dev.multiproc.ChildInfo;
import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/**
 * {@code multiproc tree}: the process tree under a pid, from {@code /proc}, with zombies
 * marked and multiproc's children named with their kind and daemon flag (as the JVM that
 * started them publishes them).
 */
@picocli.CommandLine.Command(name = "tree",
        description = "Prints the process tree under PID (default: the shell or program that ran multiproc), with"
                + " pid, ppid, pgid, sid, state (R, S, Z, ...) and command line; zombies are marked <defunct>, and"
                + " the children a JVM started with multiproc show their kind and daemon flag.")
final class TreeCommand implements Callable<Integer> {
    private static final String GUARDIAN_MAIN = "dev.multiproc.internal.guardian.Guardian";

    @Parameters(arity = "0..1", paramLabel = "PID", description = "The root of the tree.")
    Long pid;

    private final Map<Long, Map<Long, ChildInfo>> published = new HashMap<>();

    @Override
    public Integer call() {
        long root = pid != null ? pid : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        List<ProcessEntry> all = ProcessEntry.snapshot();
        Map<Long, ProcessEntry> byPid = new HashMap<>();
        Map<Long, List<ProcessEntry>> children = new HashMap<>();
        for (ProcessEntry e : all) {
            byPid.put(e.pid(), e);
            children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e);
        }
        ProcessEntry top = byPid.get(root);
        if (top == null) {
            System.err.println("multiproc tree: no process " + root);
            return 1;
        }
        PrintStream out = System.out;
        out.printf("%-8s %-8s %-8s %-8s %-5s %-22s %s%n", "PID", "PPID", "PGID", "SID", "STATE", "MULTIPROC", "COMMAND");
        print(out, top, children, "", "");
        return 0;
    }

    private void print(PrintStream out, ProcessEntry e, Map<Long, List<ProcessEntry>> children, String lead,
                       String branch) {
        String command = e.zombie() ? "[" + e.name() + "] <defunct>"
                : e.commandLine().isEmpty() ? "[" + e.name() + "]" : e.commandLine();
        out.printf("%-8d %-8d %-8d %-8d %-5s %-22s %s%s%s%n", e.pid(), e.ppid(), e.pgid(), e.sid(), e.state(),
                multiproc(e), lead, branch, command);
        List<ProcessEntry> kids = new ArrayList<>(children.getOrDefault(e.pid(), List.of()));
        kids.sort(Comparator.comparingLong(ProcessEntry::pid));
        String next = lead + (branch.isEmpty() ? "" : branch.startsWith("└") ? "   " : "│  ");
        for (int i = 0; i < kids.size(); i++) {
            if (kids.get(i).pid() != e.pid()) {
                print(out, kids.get(i), children, next, i == kids.size() - 1 ? "└─ " : "├─ ");
            }
        }
    }

    /** What multiproc says of {@code e}, if its parent is a JVM that started it with multiproc. */
    private String multiproc(ProcessEntry e) {
        if (e.commandLine().contains(GUARDIAN_MAIN)) {
            return "guardian";
        }
        Map<Long, ChildInfo> ofParent = published.computeIfAbsent(e.ppid(), parent -> {
            Map<Long, ChildInfo> byPid = new HashMap<>();
            Multiproc.activeChildren(parent).forEach(c -> byPid.put(c.pid(), c));
            return byPid;
        });
        return Optional.ofNullable(ofParent.get(e.pid()))
                .map(c -> (c.kind() == ChildInfo.Kind.JVM ? "jvm " + c.name() : "command")
                        + (c.daemon() ? ", daemon" : ""))
                .orElse("");
    }
}
