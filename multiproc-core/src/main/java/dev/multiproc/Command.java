package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.launch.Checks;
import dev.multiproc.internal.launch.ChildSettings;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.launch.Launcher;
import dev.multiproc.internal.launch.Started;
import dev.multiproc.internal.posix.CStrings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
    /** How long {@link #run()} waits after the timeout signal before SIGKILL, unless set. */
    public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(1);

    /** What {@link #run()} does besides starting the child: its input and its timeout. */
    record RunSettings(byte[] input, Duration timeout, Duration grace, Signal signal) {
        static final RunSettings DEFAULTS = new RunSettings(null, null, DEFAULT_TIMEOUT_GRACE, Signal.SIGTERM);
    }

    private final List<String> argv;
    private final List<byte[]> argvBytes;
    private final ChildSettings settings;
    private final SpawnPlan.Grouping grouping;
    private final RunSettings run;

    private Command(List<String> argv, List<byte[]> argvBytes, ChildSettings settings, SpawnPlan.Grouping grouping,
                    RunSettings run) {
        this.argv = argv;
        this.argvBytes = argvBytes;
        this.settings = settings;
        this.grouping = grouping;
        this.run = run;
    }

    private Command with(ChildSettings settings) {
        return new Command(argv, argvBytes, settings, grouping, run);
    }

    private Command with(RunSettings run) {
        return new Command(argv, argvBytes, settings, grouping, run);
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
        List<byte[]> bytes = Checks.argv(argv);
        return new Command(List.copyOf(argv), bytes, ChildSettings.COMMAND, SpawnPlan.Grouping.NONE,
                RunSettings.DEFAULTS);
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
        List<byte[]> bytes = Checks.argvBytes(argv);
        return new Command(bytes.stream().map(CStrings::decode).toList(), bytes, ChildSettings.COMMAND,
                SpawnPlan.Grouping.NONE, RunSettings.DEFAULTS);
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

    /**
     * Runs the child in {@code directory} instead of this JVM's working directory.
     *
     * @throws NullPointerException if {@code directory} is null
     */
    public Command directory(Path directory) {
        return with(settings.withDirectory(directory));
    }

    /**
     * Sets one environment variable for the child, on top of this JVM's environment (or the one
     * given to {@link #environment}); a second call for the same name replaces the value.
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the
     *     value holds NUL, or either has no UTF-8 form (a lone surrogate)
     */
    public Command env(String name, String value) {
        return with(settings.withEnv(name, value));
    }

    /**
     * Sets one environment variable for the child from bytes, as {@link #env(String, String)}
     * does from text: for a name or value that is not UTF-8 text. The arrays are copied.
     *
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the
     *     value holds NUL
     */
    public Command envBytes(byte[] name, byte[] value) {
        return with(settings.withEnvBytes(name, value));
    }

    /**
     * Removes one variable from the child's environment.
     *
     * @throws IllegalArgumentException for a name as {@link #env} refuses
     */
    public Command envRemove(String name) {
        return with(settings.withEnvRemoved(name));
    }

    /**
     * Replaces the child's whole environment with {@code environment} (earlier {@link #env}
     * and {@link #envRemove} calls are dropped).
     *
     * @throws IllegalArgumentException for a name or value as {@link #env} refuses
     */
    public Command environment(Map<String, String> environment) {
        return with(settings.withEnvironment(environment));
    }

    /**
     * Where the child's stdin comes from: {@link Redirect#PIPE} (the default),
     * {@link Redirect#INHERIT}, {@link Redirect#DISCARD} or {@link Redirect#from}.
     *
     * @throws IllegalArgumentException for an output redirect
     */
    public Command stdin(Redirect redirect) {
        return with(settings.withStdin(redirect));
    }

    /**
     * Where the child's stdout goes: {@link Redirect#PIPE} (the default), INHERIT, DISCARD or a file.
     *
     * @throws IllegalArgumentException for an input redirect, or {@link Redirect#TO_STDOUT}
     */
    public Command stdout(Redirect redirect) {
        return with(settings.withStdout(redirect));
    }

    /**
     * Where the child's stderr goes: as {@link #stdout}, or {@link Redirect#TO_STDOUT}.
     *
     * @throws IllegalArgumentException for an input redirect
     */
    public Command stderr(Redirect redirect) {
        return with(settings.withStderr(redirect));
    }

    /** Starts the child in a new session ({@code setsid}), which also makes it leader of a new group. */
    public Command newSession() {
        return new Command(argv, argvBytes, settings, grouping.and(SpawnPlan.Grouping.NEW_SESSION), run);
    }

    /**
     * Starts the child as the leader of a new process group, so that {@code signalGroup} reaches
     * it all. After {@link #newSession()} it changes nothing: a session's leader leads a new
     * group too.
     */
    public Command newProcessGroup() {
        return new Command(argv, argvBytes, settings, grouping.and(SpawnPlan.Grouping.NEW_GROUP), run);
    }

    /**
     * Whether this JVM's normal exit terminates the child and its tree (true, the default) or
     * leaves it running (false).
     */
    public Command daemon(boolean daemon) {
        return with(settings.withDaemon(daemon));
    }

    /**
     * Lets the child live on if this JVM dies (SIGKILL, a crash, {@code Runtime.halt}), as
     * every child does in Python: {@code survivesParent(true)}.
     */
    public Command survivesParent() {
        return survivesParent(true);
    }

    /**
     * Whether the child lives on if this JVM dies (SIGKILL, a crash, {@code Runtime.halt}), as
     * every child does in Python (true), or dies with it (false, the default), together with its
     * descendants and, if it leads one, its process group: a guardian process started with the
     * first such command sees this JVM die and kills them.
     */
    public Command survivesParent(boolean survivesParent) {
        return with(settings.withSurvivesParent(survivesParent));
    }

    /**
     * Lets the child inherit this JVM's {@code fd} at the same number (Python's
     * {@code pass_fds}); every other fd above 2 is closed in the child. Each call adds one.
     *
     * @throws IllegalArgumentException if {@code fd} is below 3 (use the redirects for those)
     */
    public Command passFd(int fd) {
        return with(settings.withPassedFd(fd));
    }

    /**
     * Bytes that {@link #run()} writes to the child's stdin (which must be a pipe, the
     * default) before closing it. Without input, {@code run()} closes stdin at once.
     */
    public Command input(byte[] input) {
        return with(new RunSettings(Objects.requireNonNull(input, "input").clone(), run.timeout(), run.grace(),
                run.signal()));
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
        return with(new RunSettings(run.input(), Objects.requireNonNull(timeout, "timeout"), run.grace(),
                run.signal()));
    }

    /**
     * The time between the timeout signal and SIGKILL (default 1 s).
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Command timeoutGrace(Duration grace) {
        return with(new RunSettings(run.input(), run.timeout(), Checks.notNegative(grace, "grace"), run.signal()));
    }

    /** The signal the timeout sends first (default SIGTERM). */
    public Command timeoutSignal(Signal signal) {
        return with(new RunSettings(run.input(), run.timeout(), run.grace(), Objects.requireNonNull(signal, "signal")));
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
     * <p>A failure to start is a {@link ProcessStartException}, which is unchecked (a
     * {@link MultiprocException}); the {@code IOException} declared is for reading the pipes.
     *
     * @return the status and output; call {@link CompletedProcess#check()} to require success
     * @throws TimeoutExpiredException at the deadline, with the output read until then
     * @throws InterruptedException if this thread is interrupted while it waits (the child's
     *     tree is killed; the interrupt status is cleared, as the exception says)
     * @throws IllegalStateException if input is set but stdin is not a pipe
     * @throws ProcessStartException if the program cannot be started
     * @throws IOException if reading or writing a pipe fails
     */
    public CompletedProcess run() throws IOException, InterruptedException {
        requireInputPipe("run()");
        Subprocess child = start(false);
        boolean done = false;
        try {
            CompletedProcess result = child.communicate(run.input(), run.timeout());
            done = true;
            return result;
        } catch (TimeoutExpiredException e) {
            child.killTreeAndStop(run.signal(), run.grace());
            done = true;
            throw new TimeoutExpiredException(argv, run.timeout(), e.stdout(), e.stderr(),
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
        if (run.input() != null && settings.stdin() != Redirect.PIPE) {
            throw new IllegalStateException("input(...) was given to \"" + this + "\" but its stdin is "
                    + settings.stdin() + "; input needs stdin(Redirect.PIPE), or " + caller + " would drop it");
        }
    }

    /**
     * Starts the child. Pipes that nobody has taken when the child ends are closed then, what
     * they held kept for a later read (see {@link Subprocess}).
     *
     * <p>A failure to start is a {@link ProcessStartException}, unchecked since it became a
     * {@link MultiprocException} (the same type whether the child is a command or a JVM); the
     * {@code IOException} this method declares is kept so that code written for the checked
     * exception still compiles. A {@code catch (IOException e)} no longer catches it.
     *
     * @return the running child
     * @throws ProcessStartException if the program is missing or not executable, the working
     *     directory is missing, a redirect file cannot be opened, or the system refuses (out of
     *     fds or processes); nothing is left behind
     * @throws IllegalArgumentException if an fd given to {@link #passFd} is not open
     * @throws UnsupportedOperationException if this is not Linux on x86_64 or aarch64
     */
    public Subprocess start() throws IOException {
        return start(true);
    }

    /**
     * {@code forCaller}: the caller gets the child's pipes, and those it has not taken when the
     * child ends are closed then; otherwise {@link #run()} takes and closes them itself.
     */
    private Subprocess start(boolean forCaller) {
        Started started = Launcher.launch(launchRequest());
        return new Subprocess(started.child(), started.stdin(), started.stdout(), started.stderr(),
                settings.stdin(), settings.stdout(), settings.stderr(), forCaller);
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
        for (int i = 0; i < 3; i++) {
            Redirect redirect = i == 0 ? settings.stdin() : i == 1 ? settings.stdout() : settings.stderr();
            if (settings.isSet(i) && redirect == Redirect.PIPE) {
                throw new IllegalArgumentException("detached() cannot be combined with pipes: "
                        + ChildSettings.streamName(i) + " of \"" + this + "\" is PIPE, and a detached process"
                        + " outlives this JVM, which reads and writes pipes; use INHERIT, DISCARD or a file");
            }
        }
        if (run.input() != null || run.timeout() != null) {
            throw new IllegalArgumentException("detached() cannot be combined with "
                    + (run.input() != null ? "input(...)" : "timeout(...)") + ": \"" + this
                    + "\" would outlive the run() they are for");
        }
        return new DetachedCommand(launchRequest().withSettings(settings.detached()));
    }

    /** What the launcher is asked to start for this command. */
    LaunchRequest launchRequest() {
        return LaunchRequest.of(Child.Kind.COMMAND, null, argv, argvBytes, settings).withGrouping(grouping);
    }

    /** What {@link #run()} does besides starting the child, for {@link Pipeline}. */
    RunSettings runSettings() {
        return run;
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
