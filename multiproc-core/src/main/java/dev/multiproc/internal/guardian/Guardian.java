package dev.multiproc.internal.guardian;

import dev.multiproc.Signal;
import dev.multiproc.internal.engine.ChildrenFile;
import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.ProcessTree;
import dev.multiproc.internal.posix.Clock;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import dev.multiproc.internal.posix.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guardian process: outlives its parent JVM to kill the commands that must not outlive it.
 *
 * <h2>Why a process</h2>
 * A command must die when the JVM that started it dies, however it dies: SIGKILL, a crash,
 * {@code Runtime.halt}. Nothing runs in a JVM that dies that way, and {@code posix_spawn}
 * cannot arm {@code PR_SET_PDEATHSIG} in the child (and the death signal would reach only the
 * child, not the process group and descendants it leaves). So a small JVM of the library's
 * own watches: its stdin is a pipe whose only write end the parent holds. The parent writes
 * lines about the guarded commands it starts and reaps; the kernel closes the write end when
 * the parent dies, so end of file is the parent's death, whatever caused it.
 *
 * <h2>Lines</h2>
 * <pre>
 * ? N BEFORE p|g|s                      spawn N is about to fork a child: in the JVM's group,
 *                                       a new group or a new session; it starts at BEFORE or later
 * + PID EARLIEST LATEST LEADER SESSION N  spawn N started guarded command PID: its start time
 *                                       (boot ticks) between EARLIEST and LATEST, whether it
 *                                       leads its group (0|1), its session
 * x N                                   spawn N made no child
 * s PID EARLIEST LATEST                 a child to spare (a child JVM, a command that survives)
 * - PID                                 guarded command PID was reaped
 * release                               the parent exits normally: leave them all be
 * </pre>
 * At end of file without {@code release}, every command still registered gets SIGTERM with
 * its descendants and, if it leads one, its process group; SIGKILL to what is left after
 * {@link #GRACE}. Each is pinned by pid and start time first (see {@link ProcessTree}), so a
 * pid reused since registration is left alone. Then the guardian exits.
 *
 * <h2>Spawns under way</h2>
 * A command whose spawn is under way when the JVM dies has no {@code +} line: the JVM died
 * before {@code posix_spawnp} returned its pid, or before the line left its memory. Its
 * {@code ?} line is in the pipe all the same (the spawning thread forks only once it is), so
 * the guardian knows such a child may exist, when it started at the earliest, and where it
 * sits (group, session). To find it, the guardian relies on how the kernel treats a dead
 * process's children: each thread's children go, as the thread exits, to another live thread
 * of the process, and those of the last one to the nearest subreaper or init; all to the same
 * reaper. End of file comes when every thread has closed its files, which is before the last
 * ones have handed their children on. So the guardian, itself a child of the JVM, waits until
 * the whole JVM has exited (a pidfd of it, which the JVM passes as fd 3, turns readable only
 * once no thread is left) and takes its own parent as the reaper; from then on every child the JVM left is a
 * child of that reaper, and the search ({@link InFlightSearch}) takes the reaper's children
 * that started since the earliest unresolved {@code ?} and sit where such a spawn puts its
 * child, leaving out the children the JVM named to spare. A child found before its
 * {@code execve} shows the JVM's command line; after it, anything (a script's interpreter, a
 * renamed {@code argv[0]}), so command lines are not used to recognise it. They are killed
 * with their trees like the registered ones. A second look after {@link #GRACE} finds what
 * such a child left behind meanwhile (a descendant re-parented to the reaper).
 *
 * <p>Limits, by construction: the reaper's other children that started in that window in the
 * same place are taken too. Those are a child of the JVM that was not announced (a
 * {@code ProcessBuilder} child, or a child to spare whose spawn was itself under way or whose
 * {@code s} line was still in the JVM's memory), or a process of another parent in the same
 * session and group that was orphaned in those few moments. A JVM killed with no spawn under
 * way has no unresolved announcement, and nothing is searched.
 *
 * <h2>Reading in batches</h2>
 * The lines only matter when the parent dies, so the guardian drains the pipe and then sleeps
 * {@link #NAP_MILLIS} ms before it reads again: a parent that starts commands fast wakes it
 * ten times a second, not twice per command (on a small machine those wake-ups cost each
 * spawn tens of microseconds), and its death is seen within that nap.
 *
 * <p>It runs in a session of its own, so that a terminal's signals (Ctrl-C to the foreground
 * group) reach the parent and its commands but not the guardian. Its arguments are the
 * parent's pid, session and process group, and the fd of the parent's pidfd (-1 if the parent
 * passed none: the guardian then opens one itself, which a parent already dead defeats).
 */
public final class Guardian {
    /** How long guarded commands get between SIGTERM and SIGKILL when their parent died. */
    static final Duration GRACE = Duration.ofMillis(500);
    /** How long the guardian sleeps after draining the pipe. */
    static final long NAP_MILLIS = 100;
    /** How long the guardian waits to be adopted once its parent's pipe closed: only a hung exit takes longer. */
    static final Duration ADOPTION_PATIENCE = Duration.ofSeconds(30);
    /** Where the guardian inherits a pidfd of its parent. */
    static final int PARENT_PIDFD = 3;

    private Guardian() {}

    /**
     * Reads lines from stdin until end of file; see the class comment. Arguments: the parent's
     * pid, session, group, and the fd of its pidfd or -1.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int parent = Integer.parseInt(args[0]);
        int session = Integer.parseInt(args[1]);
        int group = Integer.parseInt(args[2]);
        int passed = Integer.parseInt(args[3]);
        int parentPidfd = passed >= 0 ? passed : openParent(parent);
        Ledger ledger = new Ledger();
        byte[] buffer = new byte[64 * 1024];
        StringBuilder unread = new StringBuilder();
        for (int n = System.in.read(buffer); n >= 0; n = System.in.read(buffer)) {
            unread.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            long now = System.nanoTime();
            int end;
            while ((end = unread.indexOf("\n")) >= 0) {
                String line = unread.substring(0, end);
                unread.delete(0, end + 1);
                try {
                    if (!ledger.apply(line, now)) {
                        return; // released: the parent exits normally
                    }
                } catch (IllegalArgumentException e) {
                    System.err.println("multiproc guardian: ignoring a line: " + e.getMessage());
                }
            }
            if (System.in.available() == 0) {
                ledger.forgetOldSpares(now);
                Thread.sleep(NAP_MILLIS);
            }
        }
        killWhatOutlived(ledger, parent, parentPidfd, session, group);
        ChildrenFile.deleteFor(parent); // the parent died without its exit hook
    }

    /** After the parent's death: kills the guarded commands and the children of spawns under way. */
    private static void killWhatOutlived(Ledger ledger, int parent, int parentPidfd, int session, int group)
            throws InterruptedException {
        List<ProcessTree.Foreign> roots = ledger.guarded();
        List<Ledger.Announcement> unresolved = ledger.unresolved();
        InFlightSearch search = null;
        int reaper = -1;
        if (!unresolved.isEmpty()) {
            reaper = awaitAdoption(parent, parentPidfd);
            search = new InFlightSearch(Processes.getpid(), session, group, unresolved, ledger.spared());
            roots.addAll(look(search, reaper));
        }
        long firstLook = System.nanoTime();
        if (!roots.isEmpty()) {
            ProcessTree.killForeign(roots, Signal.SIGTERM, GRACE);
        }
        if (search != null) {
            long left = GRACE.toNanos() - (System.nanoTime() - firstLook);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            List<ProcessTree.Foreign> late = look(search, reaper);
            if (!late.isEmpty()) {
                ProcessTree.killForeign(late, Signal.SIGKILL, GRACE);
            }
        }
    }

    /**
     * What {@code search} finds now; nothing if {@code /proc} cannot be read (the registered
     * commands are killed all the same).
     */
    private static List<ProcessTree.Foreign> look(InFlightSearch search, int reaper) {
        try {
            return search.find(ProcFs.all(), reaper, Clock.bootTicks());
        } catch (RuntimeException e) {
            System.err.println("multiproc guardian: cannot look for commands whose spawn was under way: " + e);
            return List.of();
        }
    }

    /** A pidfd of the parent, or -1 if the parent is gone already (the guardian was adopted). */
    private static int openParent(int parent) {
        try {
            int pidfd = Pidfd.pidfd_open(parent);
            if (Processes.getppid() == parent) {
                return pidfd; // still our parent after the open: the pidfd is the JVM's, not a reuser's
            }
            Fds.closeQuietly(pidfd);
        } catch (ErrnoException e) {
            // gone already
        }
        return -1;
    }

    /**
     * Waits until the parent has exited, every thread of it, and the guardian has been given
     * to another parent: then the kernel has given every child of the dead parent to that
     * reaper, which this returns.
     */
    private static int awaitAdoption(int parent, int parentPidfd) throws InterruptedException {
        long deadline = System.nanoTime() + ADOPTION_PATIENCE.toNanos();
        try {
            while (parentPidfd >= 0 && Fds.pollReadable(new int[] {parentPidfd}, 100) == 0
                    && System.nanoTime() - deadline < 0) {
                // a thread of the parent is still exiting
            }
        } catch (ErrnoException e) {
            // cannot tell: the parent's pid below will do
        }
        int now = Processes.getppid();
        while (now == parent && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
            now = Processes.getppid();
        }
        return now;
    }
}
