package dev.multiproc.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.ProcessEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;

/**
 * What this JVM holds at one moment: open fds, platform threads and child processes. Take
 * one before an action and {@link #assertNothingLeftBehind} after it.
 *
 * <p>Fork-join workers are left out: the virtual-thread scheduler and the common pool grow
 * them on demand and keep them a while, whatever the library does.
 */
public record Footprint(Map<Integer, String> fds, Set<Thread> threads, Map<Long, ProcessEntry> children) {

    /** The footprint now. */
    public static Footprint take() {
        Set<Thread> threads = Procs.liveThreads().stream()
                .filter(t -> !(t instanceof ForkJoinWorkerThread))
                .collect(Collectors.toSet());
        Map<Long, ProcessEntry> children = Procs.children().stream()
                .collect(Collectors.toMap(ProcessEntry::pid, e -> e));
        return new Footprint(Procs.fdTargets(Procs.self()), threads, children);
    }

    /**
     * Fails if this JVM now has an open fd, a thread or a child (running or zombie) that it
     * did not have when {@code this} was taken. Fds are compared with what they point at, so
     * an fd closed and reopened on something else counts as new; fds that were open before
     * and are closed now (a dropped stream reclaimed meanwhile) are no leak.
     */
    public void assertNothingLeftBehind(String after) {
        Footprint now = take();
        Set<Thread> newThreads = new HashSet<>(now.threads);
        newThreads.removeAll(threads);
        assertTrue(newThreads.isEmpty(), () -> after + ": new threads " + describe(newThreads));
        Set<Long> newChildren = new HashSet<>(now.children.keySet());
        newChildren.removeAll(children.keySet());
        assertTrue(newChildren.isEmpty(), () -> after + ": new children "
                + newChildren.stream().map(now.children::get).toList());
        Map<Integer, String> newFds = new java.util.TreeMap<>(now.fds);
        newFds.entrySet().removeIf(e -> e.getValue().equals(fds.get(e.getKey())));
        newFds.keySet().removeIf(fd -> fd > 0 && isListingItself(now.fds.get(fd)));
        assertTrue(newFds.isEmpty(), () -> after + ": new open fds " + newFds);
    }

    /** The fd that {@code /proc/self/fd} itself holds open while it is being listed. */
    private static boolean isListingItself(String target) {
        return target.startsWith("/proc/") && target.endsWith("/fd");
    }

    private static List<String> describe(Set<Thread> threads) {
        return threads.stream().map(t -> t.getName() + " (" + t.getState() + ")").toList();
    }
}
