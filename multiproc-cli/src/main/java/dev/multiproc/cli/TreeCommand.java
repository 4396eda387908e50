package dev.multiproc.cli;

import dev.multiproc.ProcessEntry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/** {@code multiproc tree}: the process tree under a pid, from {@code /proc}. */
@picocli.CommandLine.Command(name = "tree",
        description = "Prints the process tree under PID (default: the shell or program that ran multiproc).")
final class TreeCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "PID", description = "The root of the tree.")
    Long pid;

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
        out.printf("%-8s %-8s %-8s %-8s %-5s %s%n", "PID", "PPID", "PGID", "SID", "STATE", "COMMAND");
        print(out, top, children, "", "");
        return 0;
    }

    private static void print(PrintStream out, ProcessEntry e, Map<Long, List<ProcessEntry>> children,
                              String lead, String branch) {
        String command = e.commandLine().isEmpty() ? "[" + e.name() + "]" : e.commandLine();
        out.printf("%-8d %-8d %-8d %-8d %-5s %s%s%s%n", e.pid(), e.ppid(), e.pgid(), e.sid(),
                e.state(), lead, branch, command);
        List<ProcessEntry> kids = new ArrayList<>(children.getOrDefault(e.pid(), List.of()));
        kids.sort(Comparator.comparingLong(ProcessEntry::pid));
        String next = lead + (branch.isEmpty() ? "" : branch.startsWith("└") ? "   " : "│  ");
        for (int i = 0; i < kids.size(); i++) {
            if (kids.get(i).pid() != e.pid()) {
                print(out, kids.get(i), children, next, i == kids.size() - 1 ? "└─ " : "├─ ");
            }
        }
    }
}
