package dev.multiproc.internal.guardian;

import dev.multiproc.Signal;
import dev.multiproc.internal.engine.ChildrenFile;
import dev.multiproc.internal.engine.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The guardian process: outlives its parent JVM to kill the commands that must not outlive it.
 *
 * <h2>Why a process</h2>
 * A command must die when the JVM that started it dies, however it dies: SIGKILL, a crash,
 * {@code Runtime.halt}. Nothing runs in a JVM that dies that way, and {@code posix_spawn}
 * cannot arm {@code PR_SET_PDEATHSIG} in the child (and the death signal would reach only the
 * child, not the process group and descendants it leaves). So a small JVM of the library's
 * own watches: its stdin is a pipe whose only write end the parent holds. The parent writes
 * one line per guarded command it starts and one when it reaps it; the kernel closes the
 * write end when the parent dies, so end of file is the parent's death, whatever caused it.
 *
 * <h2>Lines</h2>
 * <pre>
 * + PID EARLIEST LATEST GROUPLEADER(0|1) SESSION   a guarded command started, its start
 *                                                 time (boot ticks) between EARLIEST and LATEST
 * - PID                                     it was reaped
 * release                                   the parent exits normally: leave them all be
 * </pre>
 * At end of file without {@code release}, every command still registered gets SIGTERM with
 * its descendants and, if it leads one, its process group; SIGKILL to what is left after
 * {@link #GRACE}. Each is pinned by pid and start time first (see {@link ProcessTree}), so a
 * pid reused since registration is left alone. Then the guardian exits.
 *
 * <h2>Reading in batches</h2>
 * The lines only matter when the parent dies, so the guardian drains the pipe and then sleeps
 * {@link #NAP_MILLIS} ms before it reads again: a parent that starts commands fast wakes it
 * ten times a second, not twice per command (on a small machine those wake-ups cost each
 * spawn tens of microseconds), and its death is seen within that nap.
 *
 * <p>It runs in a session of its own, so that a terminal's signals (Ctrl-C to the foreground
 * group) reach the parent and its commands but not the guardian.
 */
public final class Guardian {
    /** How long guarded commands get between SIGTERM and SIGKILL when their parent died. */
    static final Duration GRACE = Duration.ofMillis(500);
    /** How long the guardian sleeps after draining the pipe. */
    static final long NAP_MILLIS = 100;

    private Guardian() {}

    /** Reads registrations from stdin until end of file; see the class comment. */
    public static void main(String[] args) throws IOException, InterruptedException {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Map<Integer, ProcessTree.Foreign> guarded = new LinkedHashMap<>();
        byte[] buffer = new byte[64 * 1024];
        StringBuilder pending = new StringBuilder();
        for (int n = System.in.read(buffer); n >= 0; n = System.in.read(buffer)) {
            pending.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            int end;
            while ((end = pending.indexOf("\n")) >= 0) {
                String line = pending.substring(0, end);
                pending.delete(0, end + 1);
                if (!apply(line, guarded)) {
                    return; // released: the parent exits normally
                }
            }
            if (System.in.available() == 0) {
                Thread.sleep(NAP_MILLIS);
            }
        }
        if (!guarded.isEmpty()) {
            ProcessTree.killForeign(guarded.values(), Signal.SIGTERM, GRACE);
        }
        ChildrenFile.deleteFor(parent); // the parent died without its exit hook
    }

    /** Applies one line; false for {@code release}. */
    private static boolean apply(String line, Map<Integer, ProcessTree.Foreign> guarded) {
        String[] f = line.split(" ");
        switch (f[0]) {
            case "+" -> guarded.put(Integer.parseInt(f[1]), new ProcessTree.Foreign(Integer.parseInt(f[1]),
                    Long.parseLong(f[2]), Long.parseLong(f[3]), f[4].equals("1"), Integer.parseInt(f[5])));
            case "-" -> guarded.remove(Integer.parseInt(f[1]));
            case "release" -> {
                return false;
            }
            default -> System.err.println("multiproc guardian: ignoring \"" + line + "\"");
        }
        return true;
    }
}
