package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.Environments;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.guardian.GuardianLink;
import dev.multiproc.internal.io.Stdio;
import dev.multiproc.internal.posix.CStrings;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A program to run as a child process: its arguments, environment, working directory and
 * where its stdin, stdout and stderr go. Immutable: every method returns a new command.
 *
 * <pre>{@code
 * Subprocess p = Command.of("grep", "-c", "x").stdin(Redirect.from(file)).start();
 * }</pre>
 *
 * <p>There is no shell: arguments reach the program as given, and the program is looked up
 * on {@code PATH} as {@code execvp} does (a file found there without {@code #!} runs with
 * {@code /bin/sh}, as with {@code execvp} and {@code ProcessBuilder}). The child gets fds 0–2
 * and the fds named with {@link #passFd} and nothing else, an empty signal mask and default
 * signal dispositions.
 *
 * <p>Arguments and environment variables given as text reach the child as UTF-8, whatever
 * this JVM's locale; text with no UTF-8 form (a lone surrogate) is refused, naming the
 * argument or variable. Bytes that are not text (a file name read from the disk in another
 * encoding) are given as bytes: {@link #ofBytes}, {@link #envBytes}. The child gets this
 * JVM's own environment byte for byte, unless changed.
 */
public final class Command {
    private final List<String> argv;
    private final List<byte[]> argvBytes;
    private Path directory;
    /** The whole environment, by {@link Environments#key}; null for this JVM's. */
    private Map<String, byte[]> environment;
    /** Variables set (or removed: null) on top of {@link #environment}, by {@link Environments#key}. */
    private Map<String, byte[]> environmentChanges = Map.of();
    private Redirect stdin = Redirect.PIPE;
    private Redirect stdout = Redirect.PIPE;
    private Redirect stderr = Redirect.PIPE;
    private boolean[] redirectSet = new boolean[3];
    private boolean newSession;
    private boolean newProcessGroup;
    private boolean daemon = true;
    private boolean survivesParent;
    private TreeSet<Integer> passedFds = new TreeSet<>();
    private byte[] input;
    private Duration timeout;
    private Duration timeoutGrace = DEFAULT_TIMEOUT_GRACE;
    private Signal timeoutSignal = Signal.SIGTERM;

    /** How long {@link #run()} waits after the timeout signal before SIGKILL, unless set. */
    public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(1);

    private Command(List<String> argv, List<byte[]> argvBytes) {
        this.argv = argv;
        this.argvBytes = argvBytes;
    }

    private Command copy() {
        Command c = new Command(argv, argvBytes);
        c.directory = directory;
        c.environment = environment;
        c.environmentChanges = environmentChanges;
        c.stdin = stdin;
        c.stdout = stdout;
        c.stderr = stderr;
        c.redirectSet = redirectSet.clone();
        c.newSession = newSession;
        c.newProcessGroup = newProcessGroup;
        c.daemon = daemon;
        c.survivesParent = survivesParent;
        c.passedFds = new TreeSet<>(passedFds);
        c.input = input;
        c.timeout = timeout;
        c.timeoutGrace = timeoutGrace;
        c.timeoutSignal = timeoutSignal;
        return c;
    }

    /**
     * A command running {@code argv[0]} with the arguments that follow.
     *
     * @throws IllegalArgumentException if argv is empty, the program is an empty string, or an
     *     argument holds a NUL byte or has no UTF-8 form (a lone surrogate); the message names it
     * @throws NullPointerException if argv or one of its elements is null
     */
    public static Command of(String... argv) {
        return of(Arrays.asList(Objects.requireNonNull(argv, "argv"))); // List.of would reject a null element without naming it
    }

    /** As {@link #of(String...)}. */
    public static Command of(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty: it needs at least the program");
        }
        List<String> copy = new ArrayList<>(argv.size());
        List<byte[]> bytes = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String arg = Objects.requireNonNull(argv.get(i), "argv[" + i + "] is null");
            requireNoNul(arg, "argv[" + i + "]");
            bytes.add(CStrings.encode(arg, "argv[" + i + "]"));
            copy.add(arg);
        }
        if (copy.getFirst().isEmpty()) {
            throw new IllegalArgumentException("the program (argv[0]) is an empty string");
        }
        return new Command(List.copyOf(copy), List.copyOf(bytes));
    }

    /**
     * A command running {@code argv[0]} with the arguments that follow, each given as the
     * bytes the child gets: for arguments that are not UTF-8 text, such as a file name in
     * another encoding read from the disk (Python's {@code bytes} arguments). The arrays are
     * copied. {@link #argv()} shows them decoded as UTF-8.
     *
     * @throws IllegalArgumentException if argv is empty, the program is empty, or an argument
     *     holds a NUL byte (the message names it)
     * @throws NullPointerException if argv or one of its elements is null
     */
    public static Command ofBytes(byte[]... argv) {
        return ofBytes(Arrays.asList(Objects.requireNonNull(argv, "argv")));
    }

    /** As {@link #ofBytes(byte[]...)}. */
    public static Command ofBytes(List<byte[]> argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty: it needs at least the program");
        }
        List<String> text = new ArrayList<>(argv.size());
        List<byte[]> bytes = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            byte[] arg = Objects.requireNonNull(argv.get(i), "argv[" + i + "] is null").clone();
            requireNoNul(arg, "argv[" + i + "]");
            bytes.add(arg);
            text.add(CStrings.decode(arg));
        }
        if (bytes.getFirst().length == 0) {
            throw new IllegalArgumentException("the program (argv[0]) is empty");
        }
        return new Command(List.copyOf(text), List.copyOf(bytes));
    }

    /**
     * The program and its arguments, as text (arguments given as bytes are shown decoded as
     * UTF-8, with U+FFFD for bytes that are not).
     */
    public List<String> argv() {
        return argv;
    }

    /** The program and its arguments as the child gets them: a new copy of each, on each call. */
    public List<byte[]> argvBytes() {
        return argvBytes.stream().map(byte[]::clone).toList();
    }

    /** Runs the child in {@code directory} instead of this JVM's working directory. */
    public Command directory(Path directory) {
        Command c = copy();
        c.directory = Objects.requireNonNull(directory, "directory");
        return c;
    }

    /**
     * Sets one environment variable for the child, on top of this JVM's environment (or the one
     * given to {@link #environment}).
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the
     *     value holds NUL, or either has no UTF-8 form (a lone surrogate)
     */
    public Command env(String name, String value) {
        byte[] key = nameBytes(name);
        requireNoNul(Objects.requireNonNull(value, "value"), "the value of " + name);
        return withEnvironmentChange(key, CStrings.encode(value, "the value of " + name));
    }

    /**
     * Sets one environment variable for the child from bytes, as {@link #env(String, String)}
     * does from text: for a name or value that is not UTF-8 text. The arrays are copied.
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the
     *     value holds NUL
     */
    public Command envBytes(byte[] name, byte[] value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        String shown = CStrings.decode(name);
        requireName(name, shown);
        requireNoNul(value, "the value of " + shown);
        return withEnvironmentChange(name.clone(), value.clone());
    }

    /** Removes one variable from the child's environment. */
    public Command envRemove(String name) {
        return withEnvironmentChange(nameBytes(name), null);
    }

    /** A copy with the variable named {@code name} set to {@code value}, or removed if it is null. */
    private Command withEnvironmentChange(byte[] name, byte[] value) {
        Command c = copy();
        Map<String, byte[]> changes = new LinkedHashMap<>(environmentChanges);
        changes.put(Environments.key(name), value);
        c.environmentChanges = Collections.unmodifiableMap(changes);
        return c;
    }

    /**
     * Replaces the child's whole environment with {@code environment} (earlier {@link #env}
     * and {@link #envRemove} calls are dropped).
     *
     * @throws IllegalArgumentException for a name or value as {@link #env} refuses
     */
    public Command environment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        Map<String, byte[]> copy = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            byte[] key = nameBytes(name);
            requireNoNul(Objects.requireNonNull(value, "the value of " + name), "the value of " + name);
            copy.put(Environments.key(key), CStrings.encode(value, "the value of " + name));
        });
        Command c = copy();
        c.environment = Collections.unmodifiableMap(copy);
        c.environmentChanges = Map.of();
        return c;
    }

    /**
     * Where the child's stdin comes from: {@link Redirect#PIPE} (the default),
     * {@link Redirect#INHERIT}, {@link Redirect#DISCARD} or {@link Redirect#from}.
     */
    public Command stdin(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect == Redirect.TO_STDOUT || redirect instanceof Redirect.WriteFile) {
            throw new IllegalArgumentException("stdin cannot be " + redirect + ": it is an output redirect");
        }
        Command c = copy();
        c.stdin = redirect;
        c.redirectSet[0] = true;
        return c;
    }

    /** Where the child's stdout goes: {@link Redirect#PIPE} (the default), INHERIT, DISCARD or a file. */
    public Command stdout(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect == Redirect.TO_STDOUT || redirect instanceof Redirect.ReadFile) {
            throw new IllegalArgumentException("stdout cannot be " + redirect
                    + (redirect == Redirect.TO_STDOUT ? ": that is for stderr" : ": it is an input redirect"));
        }
        Command c = copy();
        c.stdout = redirect;
        c.redirectSet[1] = true;
        return c;
    }

    /** Where the child's stderr goes: as {@link #stdout}, or {@link Redirect#TO_STDOUT}. */
    public Command stderr(Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (redirect instanceof Redirect.ReadFile) {
            throw new IllegalArgumentException("stderr cannot be " + redirect + ": it is an input redirect");
        }
        Command c = copy();
        c.stderr = redirect;
        c.redirectSet[2] = true;
        return c;
    }

    /** Starts the child in a new session ({@code setsid}), which also makes it leader of a new group. */
    public Command newSession() {
        Command c = copy();
        c.newSession = true;
        return c;
    }

    /** Starts the child as the leader of a new process group, so that {@code signalGroup} reaches it all. */
    public Command newProcessGroup() {
        Command c = copy();
        c.newProcessGroup = true;
        return c;
    }

    /**
     * Whether this JVM's normal exit terminates the child and its tree (true, the default) or
     * leaves it running (false).
     */
    public Command daemon(boolean daemon) {
        Command c = copy();
        c.daemon = daemon;
        return c;
    }

    /**
     * Lets the child live on if this JVM dies (SIGKILL, a crash, {@code Runtime.halt}), as
     * every child does in Python. Without it, the command dies with this JVM, together with
     * its descendants and, if it leads one, its process group: a guardian process started
     * with the first such command sees this JVM die and kills them.
     */
    public Command survivesParent() {
        Command c = copy();
        c.survivesParent = true;
        return c;
    }

    /**
     * Lets the child inherit this JVM's {@code fd} at the same number (Python's
     * {@code pass_fds}); every other fd above 2 is closed in the child.
     *
     * @throws IllegalArgumentException if {@code fd} is below 3 (use the redirects for those)
     */
    public Command passFd(int fd) {
        if (fd < 3) {
            throw new IllegalArgumentException("passFd(" + fd + "): fds 0 to 2 are set with stdin, stdout and stderr");
        }
        Command c = copy();
        c.passedFds.add(fd);
        return c;
    }

    /**
     * Bytes that {@link #run()} writes to the child's stdin (which must be a pipe, the
     * default) before closing it. Without input, {@code run()} closes stdin at once.
     */
    public Command input(byte[] input) {
        Command c = copy();
        c.input = Objects.requireNonNull(input, "input").clone();
        return c;
    }

    /** Text that {@link #run()} writes to the child's stdin, as UTF-8; see {@link #input(byte[])}. */
    public Command input(String input) {
        return input(Objects.requireNonNull(input, "input").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * How long {@link #run()} lets the child run. At the deadline it stops reading, sends
     * {@link #timeoutSignal} (SIGTERM unless set) to the child's whole tree, SIGKILL to what
     * is left after {@link #timeoutGrace}, and throws {@link TimeoutExpiredException}. A zero
     * or negative timeout is a deadline that has passed already, as in Python and the JDK:
     * {@code run()} starts the child and looks once whether it is done.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public Command timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Command c = copy();
        c.timeout = timeout;
        return c;
    }

    /** The time between the timeout signal and SIGKILL (default 1 s). */
    public Command timeoutGrace(Duration grace) {
        Command c = copy();
        c.timeoutGrace = Subprocess.requireNonNegative(grace, "grace");
        return c;
    }

    /** The signal the timeout sends first (default SIGTERM). */
    public Command timeoutSignal(Signal signal) {
        Command c = copy();
        c.timeoutSignal = Objects.requireNonNull(signal, "signal");
        return c;
    }

    /**
     * Runs the child to its end: starts it, writes the {@link #input} and closes stdin,
     * captures stdout and stderr (those left as pipes), and waits. Python's
     * {@code subprocess.run(..., capture_output=True)}.
     *
     * <p>With a {@link #timeout}, the child's whole tree is killed at the deadline, and this
     * returns within timeout + grace + a little even if a descendant holds stdout open. If
     * this thread is interrupted, or reading fails, the tree is killed too: nothing is left
     * running that nobody holds.
     *
     * <p>With no stream a pipe (Python's {@code call()}, or {@code run()} without capture), it
     * just waits, with the timeout and the tree kill as usual.
     *
     * @return the status and output; call {@link CompletedProcess#check()} to require success
     * @throws TimeoutExpiredException at the deadline, with the output read until then
     * @throws InterruptedException if this thread is interrupted while it waits (the child's
     *     tree is killed; the interrupt status is cleared, as the exception says)
     * @throws IllegalStateException if input is set but stdin is not a pipe
     * @throws ProcessStartException if the program cannot be started
     */
    public CompletedProcess run() throws IOException, InterruptedException {
        requireInputPipe("run()");
        Subprocess child = start(-1, -1, List.of(), false);
        boolean done = false;
        try {
            CompletedProcess result = child.communicate(input, timeout);
            done = true;
            return result;
        } catch (TimeoutExpiredException e) {
            child.killTreeAndStop(timeoutSignal, timeoutGrace);
            done = true;
            throw new TimeoutExpiredException(argv, timeout, e.stdout(), e.stderr(),
                    "timed out; its process tree was killed");
        } finally {
            if (!done) {
                child.killTreeAndStop(Signal.SIGKILL, Duration.ZERO);
            }
        }
    }

    /**
     * Refuses input that could not reach the child: stdin is not a pipe, so the input would be
     * dropped without a word (Python's {@code run()} refuses {@code input} with {@code stdin}).
     */
    void requireInputPipe(String caller) {
        if (input != null && stdin != Redirect.PIPE) {
            throw new IllegalStateException("input(...) was given to \"" + this + "\" but its stdin is "
                    + stdin + "; input needs stdin(Redirect.PIPE), or " + caller + " would drop it");
        }
    }

    /**
     * Starts the child. Pipes that nobody has taken when the child ends are closed then, what
     * they held kept for a later read (see {@link Subprocess}).
     *
     * @return the running child
     * @throws ProcessStartException if the program is missing or not executable, the working
     *     directory is missing, or a redirect file cannot be opened; nothing is left behind
     * @throws IOException if the system refuses (out of fds or processes)
     * @throws UnsupportedOperationException if this is not Linux on x86_64 or aarch64
     */
    public Subprocess start() throws IOException {
        return start(-1, -1, List.of(), true);
    }

    /**
     * The same program started as a detached process (Python's double fork): in a new session,
     * not this JVM's child, untouched by this JVM's exit or death. stdin defaults to
     * {@link Redirect#DISCARD} and stdout and stderr to {@link Redirect#INHERIT}; files work too.
     *
     * @throws IllegalArgumentException if a stream was set to {@link Redirect#PIPE}, or input
     *     or a timeout was set: nothing in this JVM may depend on a process that outlives it
     */
    public DetachedCommand detached() {
        String[] names = {"stdin", "stdout", "stderr"};
        Redirect[] redirects = {stdin, stdout, stderr};
        for (int i = 0; i < 3; i++) {
            if (redirectSet[i] && redirects[i] == Redirect.PIPE) {
                throw new IllegalArgumentException("detached() cannot be combined with pipes: " + names[i]
                        + " of \"" + this + "\" is PIPE, and a detached process outlives this JVM, which reads"
                        + " and writes pipes; use INHERIT, DISCARD or a file");
            }
        }
        if (input != null || timeout != null) {
            throw new IllegalArgumentException("detached() cannot be combined with "
                    + (input != null ? "input(...)" : "timeout(...)") + ": \"" + this
                    + "\" would outlive the run() they are for");
        }
        Command c = copy();
        c.survivesParent = true;
        c.stdin = redirectSet[0] ? stdin : Redirect.DISCARD;
        c.stdout = redirectSet[1] ? stdout : Redirect.INHERIT;
        c.stderr = redirectSet[2] ? stderr : Redirect.INHERIT;
        c.daemon = false;
        return new DetachedCommand(c);
    }

    Path directorySetting() {
        return directory;
    }

    Redirect stderrSetting() {
        return stderr;
    }

    /** This command with the environment settings of {@code other}. */
    Command withEnvironmentOf(Command other) {
        Command c = copy();
        c.environment = other.environment;
        c.environmentChanges = other.environmentChanges;
        return c;
    }

    /** Timeout settings, for {@link Pipeline}. */
    Duration timeoutSetting() {
        return timeout;
    }

    byte[] inputSetting() {
        return input;
    }

    Redirect stdinSetting() {
        return stdin;
    }

    Redirect stdoutSetting() {
        return stdout;
    }

    /**
     * Starts the child with fd 0 and/or 1 taken from this JVM's {@code stdinFd}/{@code stdoutFd}
     * (-1: as set), and {@code extraFds} given to it besides those of {@link #passFd}.
     * {@code forCaller}: the caller gets the child's pipes, and those it has not taken when
     * the child ends are closed then; otherwise the library takes and closes them itself.
     */
    Subprocess start(int stdinFd, int stdoutFd, List<SpawnPlan.FdMapping> extraFds, boolean forCaller)
            throws IOException {
        String program = argv.getFirst();
        checkDirectory(program);
        Engine engine = Engine.get();
        List<SpawnPlan.FdMapping> passed = new ArrayList<>(extraFds);
        for (int fd : passedFds) {
            checkOpen(fd, program);
            passed.add(new SpawnPlan.FdMapping(fd, fd));
        }
        if (!survivesParent) {
            startGuardian(program, engine);
        }
        try (Stdio stdio = Stdio.open(stdin, stdout, stderr, program, engine, stdinFd, stdoutFd)) {
            SpawnPlan plan = new SpawnPlan(argv, argvBytes, resolvedEnvironment(),
                    directory == null ? null : directory.toString(), stdio.childFds(), passed,
                    newSession, newProcessGroup, Child.Kind.COMMAND, null, daemon, !survivesParent);
            Child child;
            try {
                child = engine.spawn(plan);
            } catch (ErrnoException e) {
                stdio.closeParentEnds();
                throw StartFailures.of(program, directory, e);
            }
            return new Subprocess(child, stdio.stdinPipe(engine), stdio.outputPipe(1, engine),
                    stdio.outputPipe(2, engine), stdin, stdout, stderr, forCaller);
        }
    }

    private static void startGuardian(String program, Engine engine) throws IOException {
        try {
            GuardianLink.ensureStarted(engine);
        } catch (ErrnoException | RuntimeException e) {
            throw new IOException("Cannot run program \"" + program + "\": cannot start the guardian process"
                    + " that kills it if this JVM dies (" + e.getMessage() + "); Command.survivesParent()"
                    + " runs it without one", e);
        }
    }

    private void checkDirectory(String program) throws ProcessStartException {
        if (directory != null && !Files.isDirectory(directory)) {
            String why = Files.exists(directory) ? "is not a directory" : "does not exist";
            throw new ProcessStartException("Cannot run program \"" + program + "\" (in directory \""
                    + directory + "\"): the directory " + why,
                    program, Files.exists(directory) ? "ENOTDIR" : "ENOENT", null);
        }
    }

    private static void checkOpen(int fd, String program) {
        try {
            Fds.fcntl(fd, Fds.F_GETFD, 0);
        } catch (ErrnoException e) {
            throw new IllegalArgumentException("passFd(" + fd + ") for \"" + program + "\": fd " + fd
                    + " is not open in this JVM (" + e.errnoName() + ")", e);
        }
    }

    /** {@code NAME=value} entries, or null when the child gets this JVM's environment unchanged. */
    private List<byte[]> resolvedEnvironment() {
        return Environments.encoded(environment, environmentChanges);
    }

    /** The UTF-8 bytes of a variable's name, checked. */
    private static byte[] nameBytes(String name) {
        Objects.requireNonNull(name, "name");
        requireNoNul(name, "environment variable name");
        byte[] bytes = CStrings.encode(name, "environment variable name \"" + name + "\"");
        requireName(bytes, name);
        return bytes;
    }

    private static void requireName(byte[] name, String shown) {
        if (name.length == 0) {
            throw new IllegalArgumentException("environment variable name is empty");
        }
        for (byte b : name) {
            if (b == '=') {
                throw new IllegalArgumentException("environment variable name contains '=': \"" + shown + "\"");
            }
        }
        requireNoNul(name, "environment variable name");
    }

    static void requireNoNul(String value, String what) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL byte: \"" + value.replace("\0", "\\0") + "\"");
        }
    }

    private static void requireNoNul(byte[] value, String what) {
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                throw new IllegalArgumentException(what + " contains a NUL byte at index " + i);
            }
        }
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
