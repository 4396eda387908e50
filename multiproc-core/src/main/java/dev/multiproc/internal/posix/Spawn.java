package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/** {@code posix_spawnp} and the C string arrays it takes. */
public final class Spawn {
    private static final MethodHandle POSIX_SPAWNP = Native.plain("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    private Spawn() {}

    /**
     * {@code posix_spawnp}: starts {@code argv[0]}, looked up on the caller's PATH as
     * {@code execvp} does, and returns the child's pid. glibc reports a failed exec (ENOENT,
     * EACCES, ...) as the error of this call, and leaves no child behind when it fails.
     */
    public static int posix_spawnp(SpawnFileActions actions, SpawnAttributes attributes,
                                   MemorySegment argv, MemorySegment envp, String program)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pid = arena.allocate(JAVA_INT);
            int r;
            try {
                r = (int) POSIX_SPAWNP.invokeExact(pid, argv.getAtIndex(ADDRESS, 0),
                        actions.address(), attributes.address(), argv, envp);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            SpawnFileActions.check(r, "posix_spawnp(\"" + program + "\")");
            return pid.get(JAVA_INT, 0);
        }
    }

    /** A NULL-terminated {@code char *[]} of {@code strings}, allocated in {@code arena}. */
    public static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }
}
