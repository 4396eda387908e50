package dev.multiproc.internal.launch;

import dev.multiproc.Redirect;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.posix.CStrings;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every check of a setting a user gives the library, in one place: one mistake gets one
 * message, whichever builder it was made on ({@code Command}, {@code JvmProcess.Builder},
 * {@code ProcessPool.Builder}, {@code Pipeline}, a handle's wait).
 *
 * <p>Each check throws {@link IllegalArgumentException} naming the setting and the value it
 * refuses (a NUL shown as {@code \0}), or {@link NullPointerException} naming the setting that
 * is null. A check that passes returns the value, so that a setter reads
 * {@code this.grace = Checks.notNegative(grace, "grace")}.
 */
public final class Checks {
    private Checks() {}

    // ---------------------------------------------------------------- text the C library gets

    /**
     * {@code value}, which must hold no NUL: C strings end at the first one.
     *
     * @param what what the value is, for the message ({@code argv[2]}, {@code the value of LANG})
     */
    public static String noNul(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL byte: \"" + shown(value) + "\"");
        }
        return value;
    }

    /** {@code value}, which must hold no NUL byte; see {@link #noNul(String, String)}. */
    public static byte[] noNul(byte[] value, String what) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                throw new IllegalArgumentException(what + " contains a NUL byte at index " + i);
            }
        }
        return value;
    }

    /** {@code text} as the UTF-8 bytes a child gets, checked for NUL and for a UTF-8 form. */
    public static byte[] cString(String text, String what) {
        return CStrings.encode(noNul(text, what), what);
    }

    /**
     * The arguments of a program, as the bytes the child gets (each without NUL and with a
     * UTF-8 form); the program must not be empty.
     */
    public static List<byte[]> argv(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        requireProgram(argv.size());
        byte[][] bytes = new byte[argv.size()][];
        for (int i = 0; i < argv.size(); i++) {
            String arg = Objects.requireNonNull(argv.get(i), "argv[" + i + "] is null");
            bytes[i] = cString(arg, "argv[" + i + "]");
        }
        if (bytes[0].length == 0) {
            throw new IllegalArgumentException("the program (argv[0]) is an empty string");
        }
        return List.of(bytes);
    }

    /** The arguments of a program given as bytes, copied and checked as {@link #argv} checks text. */
    public static List<byte[]> argvBytes(List<byte[]> argv) {
        Objects.requireNonNull(argv, "argv");
        requireProgram(argv.size());
        byte[][] bytes = new byte[argv.size()][];
        for (int i = 0; i < argv.size(); i++) {
            bytes[i] = noNul(Objects.requireNonNull(argv.get(i), "argv[" + i + "] is null").clone(), "argv[" + i + "]");
        }
        if (bytes[0].length == 0) {
            throw new IllegalArgumentException("the program (argv[0]) is empty");
        }
        return List.of(bytes);
    }

    private static void requireProgram(int size) {
        if (size == 0) {
            throw new IllegalArgumentException("argv must not be empty: it needs at least the program");
        }
    }

    /** The UTF-8 bytes of an environment variable's name, checked as {@link #variableName(byte[], String)}. */
    public static byte[] variableName(String name) {
        Objects.requireNonNull(name, "name");
        noNul(name, "environment variable name");
        return variableName(CStrings.encode(name, "environment variable name \"" + name + "\""), name);
    }

    /**
     * {@code name}, a variable's name: not empty, without {@code =} or NUL.
     *
     * @param shown the name as text, for the message
     */
    public static byte[] variableName(byte[] name, String shown) {
        Objects.requireNonNull(name, "name");
        if (name.length == 0) {
            throw new IllegalArgumentException("environment variable name is empty");
        }
        for (byte b : name) {
            if (b == '=') {
                throw new IllegalArgumentException("environment variable name contains '=': \"" + shown + "\"");
            }
        }
        return noNul(name, "environment variable name");
    }

    /** The UTF-8 bytes of the value of variable {@code name}: without NUL, with a UTF-8 form. */
    public static byte[] variableValue(String value, String name) {
        return cString(Objects.requireNonNull(value, "value"), "the value of " + name);
    }

    // ---------------------------------------------------------------- names and options

    /** A name for people (a child JVM's, a pool's): not empty, without NUL. */
    public static String name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty: a name is for people to read, in messages and"
                    + " thread names");
        }
        return noNul(name, "name");
    }

    /**
     * Options for a child JVM's {@code java} command, checked.
     *
     * @throws IllegalArgumentException for an option that does not start with {@code -}, holds a
     *     NUL, or would replace the child's main class ({@code -jar}, {@code -m}, {@code --module})
     */
    public static List<String> jvmOptions(String... options) {
        Objects.requireNonNull(options, "options");
        for (String option : options) {
            noNul(Objects.requireNonNull(option, "option"), "JVM option");
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("JVM option \"" + option + "\" does not start with '-'"
                        + " (an option's value goes in the same string, as in \"-Xss2m\" or \"--add-opens=m/p=ALL-UNNAMED\")");
            }
            if (option.equals("-jar") || option.equals("-m") || option.equals("--module")
                    || option.startsWith("--module=")) {
                throw new IllegalArgumentException("JVM option \"" + option
                        + "\" would replace the child's main class, which runs the tasks");
            }
        }
        return List.of(options);
    }

    /** A system property's key for a child JVM ({@code -Dkey=value}): not empty, without {@code =} or NUL. */
    public static String systemPropertyKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("system property key must be non-empty and hold no '=': \""
                    + shown(key) + "\"");
        }
        return noNul(key, "system property key");
    }

    // ---------------------------------------------------------------- redirects and fds

    /** A redirect for stdin: not an output redirect. */
    public static Redirect stdin(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect == Redirect.TO_STDOUT || redirect instanceof Redirect.WriteFile) {
            throw new IllegalArgumentException("stdin cannot be " + redirect + ": it is an output redirect");
        }
        return redirect;
    }

    /** A redirect for stdout: not an input redirect, and not {@code TO_STDOUT}. */
    public static Redirect stdout(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect == Redirect.TO_STDOUT || redirect instanceof Redirect.ReadFile) {
            throw new IllegalArgumentException("stdout cannot be " + redirect
                    + (redirect == Redirect.TO_STDOUT ? ": that is for stderr" : ": it is an input redirect"));
        }
        return redirect;
    }

    /** A redirect for stderr: not an input redirect. */
    public static Redirect stderr(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect instanceof Redirect.ReadFile) {
            throw new IllegalArgumentException("stderr cannot be " + redirect + ": it is an input redirect");
        }
        return redirect;
    }

    /**
     * {@code redirect} for {@code stream} of {@code whose} ("a child JVM"), which has no handle
     * to reach a pipe through: anything but {@link Redirect#PIPE}.
     */
    public static Redirect notPipe(Redirect redirect, String stream, String whose) {
        if (redirect == Redirect.PIPE) {
            throw new IllegalArgumentException(stream + " cannot be PIPE for " + whose + ": nothing in this JVM"
                    + " can reach that pipe; use INHERIT, DISCARD or a file");
        }
        return redirect;
    }

    /** An fd to pass to a child at its own number: 3 or above (0 to 2 are the redirects'). */
    public static int passedFd(int fd) {
        if (fd < 3) {
            throw new IllegalArgumentException("passFd(" + fd + "): fds 0 to 2 are set with stdin, stdout and stderr");
        }
        return fd;
    }

    /**
     * {@code fd}, a passed fd, which must be open in this JVM when {@code program} starts.
     *
     * @throws IllegalArgumentException if it is not (EBADF)
     */
    public static int openInThisJvm(int fd, String program) {
        try {
            Fds.fcntl(fd, Fds.F_GETFD, 0);
        } catch (ErrnoException e) {
            throw new IllegalArgumentException("passFd(" + fd + ") for \"" + program + "\": fd " + fd
                    + " is not open in this JVM (" + e.errnoName() + ")", e);
        }
        return fd;
    }

    // ---------------------------------------------------------------- numbers and durations

    /** {@code value}, which must be at least {@code least}. */
    public static int atLeast(int value, int least, String what) {
        if (value < least) {
            throw new IllegalArgumentException(what + " must be at least " + least + ": " + value);
        }
        return value;
    }

    /** {@code d}, which must be longer than zero (a limit of nothing is a mistake). */
    public static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    /**
     * {@code d}, which must not be negative (a grace, which is a setting, not a remaining time),
     * capped at {@link Timeouts#LONGEST_WAIT}, so that a caller's "for ever" waits instead of overflowing
     * a count of nanoseconds.
     */
    public static Duration notNegative(Duration d, String what) {
        return Timeouts.grace(d, what);
    }

    /** {@code value} with each NUL shown as {@code \0}. */
    private static String shown(String value) {
        return value.replace("\0", "\\0");
    }
}
