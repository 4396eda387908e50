package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a process with a pid of the test's choosing, to show what happens when a pid is
 * reused. Writes {@code /proc/sys/kernel/ns_last_pid} (which needs CAP_SYS_ADMIN in this pid
 * namespace; the test is skipped without it) and retries while other processes of the
 * machine take the pid first.
 */
public final class PidReuse {
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");
    private static final int ATTEMPTS = 500;

    private PidReuse() {}

    /** Starts {@code command} as process {@code pid}, which must be free; skips the test if it cannot. */
    public static Subprocess startWithPid(long pid, Command command) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Assumptions.assumeTrue(ProcessEntry.of(pid).isEmpty(), "pid " + pid + " was taken by another process");
            try {
                Files.writeString(LAST_PID, Long.toString(pid - 1));
            } catch (IOException e) {
                Assumptions.abort("cannot choose the next pid (" + e + "): pid reuse cannot be staged here");
            }
            Subprocess p = command.start();
            if (p.pid() == pid) {
                return p;
            }
            p.kill();
            p.close();
        }
        Assumptions.abort("pid " + pid + " went to other processes " + ATTEMPTS + " times");
        throw new AssertionError("unreachable");
    }
}
