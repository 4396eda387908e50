package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code clock_gettime(CLOCK_BOOTTIME)} and {@code sysconf(_SC_CLK_TCK)}: the clock the kernel
 * takes a process's start time from ({@code /proc/PID/stat} field 22, in clock ticks).
 */
public final class Clock {
    // <time.h>, <unistd.h>
    private static final int CLOCK_BOOTTIME = 7;
    private static final int SC_CLK_TCK = 2;

    private static final MethodHandle CLOCK_GETTIME = Native.critical("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SYSCONF = Native.downcall("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final long NANOS_PER_TICK = 1_000_000_000L / ticksPerSecond();
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    private Clock() {}

    private static long ticksPerSecond() {
        try {
            long hz = (long) SYSCONF.invokeExact(Native.callState(), SC_CLK_TCK);
            return hz > 0 ? hz : 100;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Clock ticks since boot, as the kernel counts a process's start time. */
    public static long bootTicks() {
        MemorySegment ts = TIMESPEC.get();
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(Native.callState(), CLOCK_BOOTTIME, ts);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME) failed");
        }
        long nanos = ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        return nanos / NANOS_PER_TICK;
    }
}
