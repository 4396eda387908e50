package dev.multiproc.testing;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.multiproc.Subprocess;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Blocks the signals named in its arguments (by number) in its main thread, which then starts
 * a sleeping child (multiproc spawns on the calling thread); prints
 * {@code jvm SigIgn}, {@code caller SigBlk}, {@code child SigBlk} and {@code child SigIgn}
 * lines; kills the child. Run it from a shell that ignores some signals to see whether the
 * JVM's ignored signals leak too.
 */
public final class SignalStateMain {
    private SignalStateMain() {}

    public static void main(String[] args) throws Throwable {
        block(Stream.of(args).mapToInt(Integer::parseInt).toArray());
        Subprocess child = Procs.sleeper();
        System.out.println("jvm SigIgn " + Procs.status(Procs.self(), "SigIgn"));
        System.out.println("caller SigBlk " + Procs.statusOf(Path.of("/proc/thread-self/status"), "SigBlk"));
        System.out.println("child SigBlk " + Procs.status(child.pid(), "SigBlk"));
        System.out.println("child SigIgn " + Procs.status(child.pid(), "SigIgn"));
        child.kill();
        child.waitFor();
    }

    /** {@code pthread_sigmask(SIG_BLOCK, {signals}, NULL)} on the calling thread. */
    @SuppressWarnings("restricted")
    private static void block(int[] signals) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle sigmask = linker.downcallHandle(linker.defaultLookup().find("pthread_sigmask").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(128, 8);
            long bits = 0;
            for (int signal : signals) {
                bits |= 1L << (signal - 1);
            }
            set.set(JAVA_LONG, 0, bits);
            int r = (int) sigmask.invokeExact(0 /* SIG_BLOCK */, set, MemorySegment.NULL);
            if (r != 0) {
                throw new IllegalStateException("pthread_sigmask failed: " + r);
            }
        }
    }
}
