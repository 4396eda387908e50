package dev.multiproc.internal.io;

import dev.multiproc.Signal;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ProcFs;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kills a child's tree together with every process that holds one of its pipes: what a
 * timeout or an abandoned {@code run()} of a command or a pipeline does. At the deadline the
 * child may have exited already and its descendants been reparented away, out of reach of a
 * search by parent pid; whoever holds the other end of one of its pipes (the same
 * {@code pipe:[inode]} in {@code /proc/PID/fd}) is one of them.
 */
public final class TreeKill {
    private TreeKill() {}

    /**
     * Sends {@code first} to the tree of {@code child} and of every process holding one of
     * {@code pipes} (this JVM's ends; closed ones are skipped), then SIGKILL to what is left
     * after {@code grace}; returns once the child is reaped. The pipes stay open.
     */
    public static void withPipeHolders(Child child, List<Fd> pipes, Signal first, Duration grace)
            throws InterruptedException {
        child.killTree(first, grace, pipeHolders(pipes));
    }

    /** The processes, other than this JVM, that hold the other end of one of {@code pipes} (open ones). */
    public static Set<Integer> pipeHolders(List<Fd> pipes) {
        Set<String> links = new HashSet<>();
        for (Fd pipe : pipes) {
            if (!pipe.isClosed()) {
                ProcFs.fdLink(pipe.number()).ifPresent(links::add);
            }
        }
        return ProcFs.holdersOf(links);
    }
}
