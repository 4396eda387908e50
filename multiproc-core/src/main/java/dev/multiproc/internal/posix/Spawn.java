package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code posix_spawnp}, the C string arrays it takes, and {@code environ}.
 *
 * <h2>A file without {@code #!}</h2>
 * {@code execvp} runs a file the kernel refuses with ENOEXEC (a shell script without a
 * {@code #!} line) with {@code /bin/sh}, and so does the JDK's {@code ProcessBuilder}.
 * glibc's {@code posix_spawnp} does not (since glibc 2.15 it reports ENOEXEC), so
 * {@link #spawnp} does it here: it finds the file {@code posix_spawnp} stopped at, as the
 * search of {@code PATH} does (the first candidate that is an executable regular file; a
 * {@code PATH} entry that is empty means the working directory), and spawns
 * {@code /bin/sh FILE ARGS...}, exactly the argument list {@code execvp} gives the shell.
 * A file whose first line holds a NUL byte (a program for another machine, or no program at
 * all) is no script: as bash does, it stays an ENOEXEC failure instead of making the shell
 * choke on it.
 */
@SuppressWarnings("restricted")
public final class Spawn {
    private static final MethodHandle POSIX_SPAWNP = Native.plain("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle POSIX_SPAWN = Native.plain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    /** glibc's {@code _PATH_BSHELL}. */
    private static final String SHELL = "/bin/sh";
    /** glibc's search path when {@code PATH} is not set ({@code confstr(_CS_PATH)}). */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    private Spawn() {}

    /**
     * {@code posix_spawnp}: starts {@code argv[0]}, looked up on the caller's PATH as
     * {@code execvp} does, and returns the child's pid. glibc reports a failed exec (ENOENT,
     * EACCES, ...) as the error of this call, and leaves no child behind when it fails.
     */
    public static int posix_spawnp(SpawnFileActions actions, SpawnAttributes attributes,
                                   MemorySegment argv, MemorySegment envp, String program)
            throws ErrnoException {
        return spawn(POSIX_SPAWNP, "posix_spawnp", actions, attributes, argv, envp, program);
    }

    /**
     * {@link #posix_spawnp}, and where it fails with ENOEXEC, what {@code execvp} does then:
     * the file it found run by {@code /bin/sh} (see the class comment).
     *
     * @param program {@code argv[0]} as text, for messages and the search of {@code PATH}
     * @param directory the child's working directory, against which a relative file is found,
     *     or null for this JVM's
     */
    public static int spawnp(SpawnFileActions actions, SpawnAttributes attributes, MemorySegment argv,
                             MemorySegment envp, String program, String directory) throws ErrnoException {
        try {
            return posix_spawnp(actions, attributes, argv, envp, program);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOEXEC) {
                throw e;
            }
            String file = fileFound(program, directory);
            if (file == null || looksBinary(file, directory)) {
                throw e;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment shellArgv = shellArgv(arena, argv, file);
                return spawn(POSIX_SPAWN, "posix_spawn", actions, attributes, shellArgv, envp, SHELL + " " + file);
            }
        }
    }

    private static int spawn(MethodHandle call, String name, SpawnFileActions actions, SpawnAttributes attributes,
                             MemorySegment argv, MemorySegment envp, String program) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pid = arena.allocate(JAVA_INT);
            int r;
            try {
                r = (int) call.invokeExact(pid, argv.getAtIndex(ADDRESS, 0),
                        actions.address(), attributes.address(), argv, envp);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
            SpawnFileActions.check(r, name + "(\"" + program + "\")");
            return pid.get(JAVA_INT, 0);
        }
    }

    /**
     * The file {@code posix_spawnp} tried to execute for {@code program}: the program itself if
     * it holds a slash, else the first executable regular file in a {@code PATH} directory;
     * null if there is none (or it cannot be named as text).
     */
    static String fileFound(String program, String directory) {
        if (program.indexOf('/') >= 0) {
            return isExecutableFile(program, directory) ? program : null;
        }
        String path = System.getenv("PATH");
        for (String entry : (path == null ? DEFAULT_PATH : path).split(File.pathSeparator, -1)) {
            String candidate = entry.isEmpty() ? program : entry + "/" + program;
            if (isExecutableFile(candidate, directory)) {
                return candidate;
            }
        }
        return null;
    }

    /** True if the first line of {@code file} (of its first 80 bytes, as bash reads) holds a NUL byte. */
    static boolean looksBinary(String file, String directory) {
        Path p = directory == null ? Path.of(file) : Path.of(directory).resolve(file);
        byte[] sample = new byte[80];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(sample, 0, sample.length);
        } catch (IOException | InvalidPathException e) {
            return true; // unreadable: the shell could not read it either
        }
        for (int i = 0; i < n && sample[i] != '\n'; i++) {
            if (sample[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExecutableFile(String file, String directory) {
        try {
            Path p = directory == null ? Path.of(file) : Path.of(directory).resolve(file);
            return Files.isRegularFile(p) && Files.isExecutable(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** {@code {"/bin/sh", file, argv[1], ...}}: the new array points at the same arguments. */
    private static MemorySegment shellArgv(Arena arena, MemorySegment argv, String file) {
        List<MemorySegment> rest = new ArrayList<>();
        for (long i = 1; !argv.getAtIndex(ADDRESS, i).equals(MemorySegment.NULL); i++) {
            rest.add(argv.getAtIndex(ADDRESS, i));
        }
        MemorySegment array = arena.allocate(ADDRESS, rest.size() + 3L);
        array.setAtIndex(ADDRESS, 0, arena.allocateFrom(SHELL));
        array.setAtIndex(ADDRESS, 1, arena.allocateFrom(file));
        for (int i = 0; i < rest.size(); i++) {
            array.setAtIndex(ADDRESS, i + 2, rest.get(i));
        }
        array.setAtIndex(ADDRESS, rest.size() + 2, MemorySegment.NULL);
        return array;
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

    /**
     * A NULL-terminated {@code char *[]} of the byte strings {@code strings} (each without a NUL
     * byte; one is added), allocated in {@code arena}.
     */
    public static MemorySegment byteStringArray(Arena arena, List<byte[]> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            byte[] bytes = strings.get(i);
            MemorySegment string = arena.allocate(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, string, JAVA_BYTE, 0, bytes.length);
            string.set(JAVA_BYTE, bytes.length, (byte) 0);
            array.setAtIndex(ADDRESS, i, string);
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * This process's environment as the C library holds it ({@code environ}): each
     * {@code NAME=value} entry byte for byte, whatever its encoding, in order. What
     * {@code System.getenv()} shows is the same decoded as text, where bytes that are not
     * valid text have been replaced.
     */
    public static List<byte[]> environ() {
        MemorySegment variable = Native.symbol("environ").reinterpret(ADDRESS.byteSize());
        MemorySegment entries = variable.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE);
        List<byte[]> environment = new ArrayList<>();
        if (entries.equals(MemorySegment.NULL)) {
            return environment;
        }
        for (long i = 0; ; i++) {
            MemorySegment entry = entries.getAtIndex(ADDRESS, i);
            if (entry.equals(MemorySegment.NULL)) {
                return environment;
            }
            MemorySegment chars = entry.reinterpret(Long.MAX_VALUE);
            long length = 0;
            while (chars.get(JAVA_BYTE, length) != 0) {
                length++;
            }
            environment.add(chars.asSlice(0, length).toArray(JAVA_BYTE));
        }
    }
}
