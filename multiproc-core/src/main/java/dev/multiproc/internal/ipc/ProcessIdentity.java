package dev.multiproc.internal.ipc;

import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.posix.Processes;
import java.util.Optional;

/**
 * A process named for good: its pid and its start time (clock ticks since boot, field 22 of
 * {@code /proc/PID/stat}). A pid is reused once its process is gone; a pid with its start time
 * never names another process.
 *
 * <p>An identity packs into one {@code long} ({@link #packed}), so that a slot of shared memory
 * can be claimed for a process with one compare-and-set: the pid in bits 41 to 62 (22 bits:
 * the kernel's {@code pid_max} is at most 2^22), the start time in bits 0 to 40 (2^41 ticks
 * at 100 a second is some 700 years of uptime). Bit 63 is clear and 0 names no process.
 *
 * @param pid the process id
 * @param startTime the start time, in clock ticks since boot
 */
public record ProcessIdentity(int pid, long startTime) {
    private static final int PID_SHIFT = 41;
    private static final long START_MASK = (1L << PID_SHIFT) - 1;
    private static final long PID_MASK = (1L << 22) - 1;

    private static final class Self {
        static final ProcessIdentity CURRENT = lookUpSelf();
    }

    /**
     * The identity.
     *
     * @throws IllegalArgumentException if {@code pid} is not positive or above 2^22, or
     *     {@code startTime} is negative
     */
    public ProcessIdentity {
        if (pid <= 0 || pid > PID_MASK) {
            throw new IllegalArgumentException("a pid is between 1 and " + PID_MASK + ", not " + pid);
        }
        if (startTime < 0) {
            throw new IllegalArgumentException("a start time is not negative: " + startTime);
        }
    }

    /** This process. */
    public static ProcessIdentity current() {
        return Self.CURRENT;
    }

    /** The identity of the process that runs as {@code pid} now, if there is one that has not ended. */
    public static Optional<ProcessIdentity> of(int pid) {
        return ProcFs.stat(pid).filter(s -> !s.gone()).map(s -> new ProcessIdentity(pid, s.startTime()));
    }

    /** The identity {@link #packed} made, or null for 0. */
    public static ProcessIdentity unpack(long packed) {
        if (packed == 0) {
            return null;
        }
        return new ProcessIdentity((int) ((packed >>> PID_SHIFT) & PID_MASK), packed & START_MASK);
    }

    /** This identity in one positive {@code long}; see the class comment. */
    public long packed() {
        return ((long) pid << PID_SHIFT) | (startTime & START_MASK);
    }

    /**
     * True if this process has not ended: a process with this pid runs and started at this
     * time. A zombie has ended. It reads {@code /proc}, a few system calls: callers that ask
     * often watch the process instead ({@link ProcessDeaths}).
     */
    public boolean isAlive() {
        return ProcFs.stat(pid).map(s -> !s.gone() && (s.startTime() & START_MASK) == (startTime & START_MASK))
                .orElse(false);
    }

    private static ProcessIdentity lookUpSelf() {
        int pid = Processes.getpid();
        return new ProcessIdentity(pid, ProcFs.stat(pid).orElseThrow(
                () -> new IllegalStateException("cannot read /proc/" + pid + "/stat")).startTime());
    }

    @Override
    public String toString() {
        return "pid " + pid + " (started at tick " + startTime + ")";
    }
}
