package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ChildrenFile;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.WaitAny;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Things that concern this whole JVM as a parent of processes. */
public final class Multiproc {
    private Multiproc() {}

    /**
     * Makes this JVM a child subreaper ({@code PR_SET_CHILD_SUBREAPER}): processes orphaned
     * below it are reparented to it instead of to PID 1, and multiproc reaps them promptly
     * when they exit, so none stays a zombie. Children that multiproc or the JDK's
     * {@code ProcessBuilder} started keep their statuses. What a JVM running as PID 1 in a
     * container needs. Calling it again does nothing more.
     *
     * @throws UnsupportedOperationException if the kernel refuses, with its reason
     */
    public static void becomeSubreaper() {
        try {
            Engine.get().becomeSubreaper();
        } catch (ErrnoException e) {
            throw new UnsupportedOperationException("the kernel refused to make this JVM a child subreaper: "
                    + e.getMessage(), e);
        }
    }

    /** True if this JVM is a child subreaper (through {@link #becomeSubreaper()} or otherwise). */
    public static boolean isSubreaper() {
        try {
            return Engine.get().isSubreaper();
        } catch (ErrnoException e) {
            throw new UnsupportedOperationException("cannot ask the kernel: " + e.getMessage(), e);
        }
    }

    /**
     * The children this JVM started that have not ended yet (commands and child JVMs, not
     * detached processes, which are not its children), oldest first. A snapshot.
     */
    public static List<ChildInfo> activeChildren() {
        return Engine.get().liveChildren().stream()
                .filter(c -> c.kind() != Child.Kind.GUARDIAN)
                .sorted(java.util.Comparator.comparing(Child::startedAt).thenComparingInt(Child::pid))
                .map(c -> new ChildInfo(c.pid(),
                        c.kind() == Child.Kind.JVM ? ChildInfo.Kind.JVM : ChildInfo.Kind.COMMAND,
                        c.name() != null ? c.name() : c.command().getFirst(), c.daemon(), c.startedAt(),
                        c.command()))
                .toList();
    }

    /**
     * The live children that another JVM using multiproc started, as that JVM publishes them
     * (a small file it rewrites a moment after its children change): empty if {@code jvmPid}
     * publishes none (not such a JVM, or it ended).
     */
    public static List<ChildInfo> activeChildren(long jvmPid) {
        return ChildrenFile.read(jvmPid).orElse(List.of()).stream()
                .filter(e -> e.kind() != Child.Kind.GUARDIAN && ProcessEntry.isRunning(e.pid()))
                .map(e -> new ChildInfo(e.pid(), e.kind() == Child.Kind.JVM ? ChildInfo.Kind.JVM : ChildInfo.Kind.COMMAND,
                        e.name(), e.daemon(), java.time.Instant.ofEpochMilli(e.startedMillis()), ProcFs.argv(e.pid())))
                .toList();
    }

    /**
     * Kills a process this JVM did not start, with all its descendants: SIGTERM to each,
     * SIGKILL to what is left after {@code grace}. Each process is pinned by a pidfd before it
     * is signalled, so no signal reaches a process that reused a pid. A pid with no process
     * is ignored.
     *
     * @throws IllegalArgumentException if {@code pid} is not positive or {@code grace} negative
     */
    public static void killTree(long pid, Duration grace) throws InterruptedException {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        Timeouts.grace(grace, "grace");
        Engine.get().killTrees(Set.of((int) pid), Signal.SIGTERM, Objects.requireNonNull(grace));
    }

    /**
     * Waits until at least one of {@code waitables} is ready, or {@code timeout} passes: Python's
     * {@code multiprocessing.connection.wait}, over connections, queues and processes alike. A
     * connection is ready when it has a message (or the other end's end of file) to receive, a queue
     * when it has a message to take, a process when it has ended; an object closed here counts as
     * ready, so that its next call says so. Returns the ready
     * ones, in the collection's order, or an empty list if none was by the timeout (a zero or
     * negative timeout looks once; with no waitables it sleeps for the timeout).
     *
     * <p>No thread is started: the caller watches every object at once, on the event loop that
     * watches pipes and children, and a virtual thread waits without holding a carrier.
     *
     * @throws NullPointerException if {@code waitables}, one of them, or {@code timeout} is null
     * @throws IllegalArgumentException if one is the sending end of a one-way pipe, which never
     *     has anything to receive
     * @throws IllegalStateException if one is a {@link JvmProcess} that was not started
     * @throws InterruptedException if interrupted while it waits
     */
    public static <W extends Waitable> List<W> waitReady(java.util.Collection<? extends W> waitables, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(waitables, "waitables");
        long deadline = Timeouts.deadline(Objects.requireNonNull(timeout, "timeout"));
        List<W> items = new ArrayList<>(waitables.size());
        List<Readiness> readiness = new ArrayList<>(waitables.size());
        for (W w : waitables) {
            items.add(Objects.requireNonNull(w, "one of the waitables is null"));
            readiness.add(readinessOf(w));
        }
        return WaitAny.await(items, readiness, deadline);
    }

    private static Readiness readinessOf(Waitable waitable) {
        return switch (waitable) {
            case Connection<?> c -> c.readiness();
            case ProcessQueue<?> q -> q.readiness();
            case Subprocess s -> s.readiness();
            case JvmProcess<?> p -> p.readiness();
        };
    }
}
