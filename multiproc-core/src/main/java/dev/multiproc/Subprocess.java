package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ExitStages;
import dev.multiproc.internal.io.Communicator;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.LineReader;
import dev.multiproc.internal.io.LingeringInputStream;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.TreeKill;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.launch.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running (or finished) child process started by {@link Command#start()}.
 *
 * <p>The child is reaped as soon as it exits, whether or not anyone waits: it never stays a
 * zombie. Its status is kept, so {@link #waitFor()} returns the same {@link ExitStatus} from
 * any thread, any number of times. Signals go through a pidfd: they reach this child or
 * nothing, never a process that reused its pid.
 *
 * <p>Its pipes can be used in one of three ways, each taking the streams it uses: as Java
 * streams ({@link #stdin()}, {@link #stdout()}, {@link #stderr()}), line by line or chunk by
 * chunk ({@link #stdoutLines()}, {@link #forEachStdoutLine}, ...), or all at once with
 * {@link #communicate}. None of them needs a thread per pipe: waiting for a pipe parks the
 * caller on multiproc's one event thread.
 *
 * <p>A pipe nobody has taken when the child ends is closed then, as the JDK's {@code Process}
 * does, so that a child started and waited for keeps no fd until its handle is collected:
 * its stdin at once, its stdout and stderr after what they hold has been read and kept,
 * which a later {@link #stdout()}, {@link #communicate} or line stream returns. Output that a
 * descendant writes after that is not kept.
 */
public final class Subprocess implements AutoCloseable, SignalTarget, Waitable {
    private final Child child;
    private final PipeOutputStream stdin;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final Redirect[] redirects;
    /** Guards {@link #takenBy}, {@link #lines} and the closing of untouched pipes; never held while waiting. */
    private final Object streams = new Object();
    private final String[] takenBy = new String[3];
    /** The line reader of stdout (1) and stderr (2) once a line stream was asked for, so that a second one goes on with it. */
    private final LineReader[] lines = new LineReader[3];
    private final Charset[] lineCharsets = new Charset[3];
    private final boolean forCaller;
    private boolean untouchedPipesClosed;
    /** True if stdin was closed because the child ended (not by the caller): input for it is dropped, as on EPIPE. */
    private boolean stdinClosedAtTheEnd;
    private Communicator communication;

    /**
     * {@code forCaller}: the pipes are the caller's, and those not taken when the child ends
     * are closed then; otherwise the library takes them itself (run, pipelines).
     */
    Subprocess(Child child, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr,
               Redirect stdinRedirect, Redirect stdoutRedirect, Redirect stderrRedirect, boolean forCaller) {
        this.child = child;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.redirects = new Redirect[] {stdinRedirect, stdoutRedirect, stderrRedirect};
        this.forCaller = forCaller && (stdin != null || stdout != null || stderr != null);
        if (this.forCaller) {
            child.exit().whenComplete((status, failure) -> closeUntouchedPipes());
        }
    }

    /**
     * Closes the pipes nobody took, now that the child has ended: stdin at once, stdout and
     * stderr after reading what they hold. Runs where the child is reaped (the event thread,
     * or a waiter): it never waits.
     */
    private void closeUntouchedPipes() {
        synchronized (streams) {
            if (untouchedPipesClosed) {
                return;
            }
            untouchedPipesClosed = true;
            if (stdin != null && takenBy[0] == null) {
                stdin.fd().closeQuietly();
                stdinClosedAtTheEnd = true;
            }
            if (stdout != null && takenBy[1] == null) {
                stdout.closeKeepingWhatIsThere();
            }
            if (stderr != null && takenBy[2] == null) {
                stderr.closeKeepingWhatIsThere();
            }
        }
    }

    /** For {@link Multiproc#waitReady}: ready once the child has ended. */
    dev.multiproc.internal.io.Readiness readiness() {
        return dev.multiproc.internal.io.ExitReadiness.of(child.exit());
    }

    /** The child's process id. */
    public long pid() {
        return child.pid();
    }

    /** The program and arguments it was started with. */
    public List<String> command() {
        return child.command();
    }

    /** True until the child has exited and been reaped; once false, {@link #exitStatus()} holds its status. */
    public boolean isAlive() {
        return child.isAlive();
    }

    /** The status if the child has ended, else empty; never waits. */
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(child.exit().getNow(null));
    }

    /**
     * Sends {@code signal} to the child: true if sent, false if the child was already reaped
     * (then nothing is sent to anyone).
     */
    public boolean signal(Signal signal) {
        return child.signal(Objects.requireNonNull(signal, "signal"));
    }

    /** Sends SIGTERM; see {@link #signal}. */
    public boolean terminate() {
        return signal(Signal.SIGTERM);
    }

    /** Sends SIGKILL; see {@link #signal}. */
    public boolean kill() {
        return signal(Signal.SIGKILL);
    }

    /**
     * Sends {@code signal} to the child's whole process group: true if sent, false once the
     * child (the group's leader) has been reaped.
     *
     * @throws IllegalStateException if the child was not started with
     *     {@link Command#newProcessGroup()} or {@link Command#newSession()}
     */
    public boolean signalGroup(Signal signal) {
        Objects.requireNonNull(signal, "signal");
        if (!child.groupLeader()) {
            throw new IllegalStateException("process " + pid() + " does not lead a process group: start it with "
                    + "Command.newProcessGroup() or newSession() to signal its group");
        }
        return child.signalGroup(signal);
    }

    /**
     * Sends SIGTERM to the child and all its descendants (its process group too, if it leads
     * one), waits up to {@code grace} for them to end, then sends SIGKILL to whatever is left.
     *
     * @return the child's status
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public ExitStatus killTree(Duration grace) throws InterruptedException {
        return killTree(Signal.SIGTERM, grace);
    }

    /**
     * As {@link #killTree(Duration)}, with {@code first} instead of SIGTERM as the first signal.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public ExitStatus killTree(Signal first, Duration grace) throws InterruptedException {
        return child.killTree(Objects.requireNonNull(first, "first"), requireNonNegative(grace, "grace"));
    }

    /**
     * Kills the child's tree, and also every process that holds one of its pipes (a
     * descendant left behind by a child that already exited), then stops communicating:
     * what a timeout or an abandoned {@code run()} does.
     */
    synchronized void killTreeAndStop(Signal first, Duration grace) throws IOException, InterruptedException {
        List<Fd> pipes = Stream.of(stdin == null ? null : stdin.fd(), stdout == null ? null : stdout.fd(),
                stderr == null ? null : stderr.fd()).filter(Objects::nonNull).toList();
        TreeKill.withPipeHolders(child, pipes, first, grace);
        if (communication != null) {
            communication.close();
        }
        for (Fd pipe : pipes) {
            pipe.close();
        }
    }

    /**
     * Waits for the child to end and returns its status. A platform thread first waits for
     * the exit in the kernel, for up to 5 ms, so that a short child costs no thread hand-off;
     * an interrupt that comes in those milliseconds is seen when they end.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public ExitStatus waitFor() throws InterruptedException {
        child.awaitBriefly(Long.MAX_VALUE);
        try {
            return ended(child.exit().get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit future failed", e);
        }
    }

    /**
     * Waits up to {@code timeout} for the child to end (as {@link #waitFor()} does). A zero or
     * negative timeout looks once, without waiting, as the JDK's {@code Process.waitFor} does.
     *
     * @return its status, or empty if it is still running
     * @throws NullPointerException if {@code timeout} is null
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        long nanos = waitNanos(timeout);
        long start = System.nanoTime();
        child.awaitBriefly(nanos);
        try {
            return Optional.of(ended(child.exit().get(Math.max(0, nanos - (System.nanoTime() - start)),
                    TimeUnit.NANOSECONDS)));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit future failed", e);
        }
    }

    /**
     * {@code status}, once the pipes nobody took are closed: a waiter may wake before the
     * reaping thread has got to them, and after {@code waitFor} they must be closed.
     */
    private ExitStatus ended(ExitStatus status) {
        if (forCaller) {
            closeUntouchedPipes();
        }
        return status;
    }

    /**
     * A future completed with the status when the child ends. Actions chained on it run on a
     * virtual thread, never on multiproc's event thread, with the context class loader of the
     * thread that called this.
     */
    public CompletableFuture<ExitStatus> onExit() {
        return ExitStages.onExit(child.exit());
    }

    /**
     * The write end of the child's stdin. What is written here comes before the input of a
     * later {@link #communicate}, as in Python.
     *
     * @throws IllegalStateException if stdin was not {@link Redirect#PIPE}, or
     *     {@link #communicate} has taken it
     */
    public OutputStream stdin() {
        return take(stdin, 0, "stdin()");
    }

    /**
     * The read end of the child's stdout: blocking reads until end of file, and an
     * {@code available()} that says how much a read returns without waiting.
     *
     * @throws IllegalStateException if stdout was not {@link Redirect#PIPE}, or another reader took it
     */
    public InputStream stdout() {
        return take(stdout, 1, "stdout()");
    }

    /**
     * The read end of the child's stderr.
     *
     * @throws IllegalStateException if stderr was not {@link Redirect#PIPE}
     */
    public InputStream stderr() {
        return take(stderr, 2, "stderr()");
    }

    /** The stream of {@code fd}, marked as used by {@code user}; the same user may take it again. */
    private <T> T take(T stream, int fd, String user) {
        String name = STREAM_NAMES[fd];
        if (stream == null) {
            throw new IllegalStateException(name + " of process " + pid() + " is not a pipe (it is "
                    + redirects[fd] + "); start it with " + name + "(Redirect.PIPE) to use it");
        }
        synchronized (streams) {
            if (takenBy[fd] != null && !takenBy[fd].equals(user)) {
                throw new IllegalStateException(name + " of process " + pid() + " was already taken by "
                        + takenBy[fd] + "; a pipe has " + (fd == 0 ? "one writer" : "one reader"));
            }
            takenBy[fd] = user;
        }
        return stream;
    }

    private static final String[] STREAM_NAMES = {"stdin", "stdout", "stderr"};

    /** The stdin pipe for a pipeline's own plumbing (null if not a pipe); marks it taken. */
    PipeOutputStream stdinPipe() {
        return stdin == null ? null : take(stdin, 0, "pipeline");
    }

    PipeInputStream stdoutPipe() {
        return stdout == null ? null : take(stdout, 1, "pipeline");
    }

    PipeInputStream stderrPipe() {
        return stderr == null ? null : take(stderr, 2, "pipeline");
    }

    CompletableFuture<ExitStatus> exitFuture() {
        return child.exit();
    }

    // ---- communicate ------------------------------------------------------------------------

    /** {@link #communicate(byte[], Duration)} with no input and no timeout. */
    public CompletedProcess communicate() throws IOException, InterruptedException {
        return communicate(null, null);
    }

    /** {@link #communicate(byte[], Duration)} with no timeout. */
    public CompletedProcess communicate(byte[] input) throws IOException, InterruptedException {
        return communicate(input, null);
    }

    /**
     * Writes {@code input} to the child's stdin and closes it, reads stdout and stderr to
     * their end at the same time (so no full pipe can deadlock it), waits for the child to
     * end, and returns what it wrote with its status. Python's {@code Popen.communicate}.
     *
     * <p>If {@code timeout} passes first it throws {@link TimeoutExpiredException} with what
     * was read so far and leaves the child running; calling again goes on where the first
     * call stopped (give no input the second time) and loses nothing. A zero or negative
     * timeout is a deadline that has passed: what is there is moved once, and the call
     * returns if that was all. Output still in flight when the child exits is collected for a
     * short moment; a descendant that keeps a pipe open after that does not hold this call up.
     *
     * <p>With no stream a pipe, it just waits for the child, as Python's does. Bytes written
     * to {@link #stdin()} before come first: the input follows them, then stdin is closed.
     *
     * @param input bytes for stdin, or null for none
     * @param timeout how long to wait, or null for no limit
     * @throws IllegalStateException if input is given but stdin is not a pipe or was closed by
     *     the caller, if stdout or stderr was taken by another reader, or if input is given again
     * @throws TimeoutExpiredException if the timeout passed first
     * @throws InterruptedException if the thread is interrupted while it waits (its interrupt
     *     status is cleared, as for any {@code InterruptedException}); a later call goes on
     *     where this one stopped
     */
    public synchronized CompletedProcess communicate(byte[] input, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = deadline(timeout);
        if (communication == null) {
            communication = startCommunication(input);
        } else if (input != null && input.length > 0) {
            throw new IllegalStateException("communicate(input, ...) was already called for process " + pid()
                    + "; a second call goes on with the first input and takes none");
        }
        if (!communication.pump(deadline)) {
            throw timedOut(timeout);
        }
        Optional<ExitStatus> status = deadline == Waker.NO_DEADLINE
                ? Optional.of(waitFor())
                : waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (status.isEmpty()) {
            throw timedOut(timeout);
        }
        return new CompletedProcess(command(), pid(), status.get(), communication.output(0),
                communication.output(1));
    }

    private Communicator startCommunication(byte[] input) {
        boolean hasInput = input != null && input.length > 0;
        if (hasInput && stdin == null) {
            throw new IllegalStateException("cannot send input to process " + pid() + ": its stdin is "
                    + redirects[0] + ", not a pipe");
        }
        PipeOutputStream in;
        PipeInputStream out;
        PipeInputStream err;
        synchronized (streams) {
            if (hasInput && stdin.fd().isClosed() && !stdinClosedAtTheEnd) {
                throw new IllegalStateException("cannot send input to process " + pid()
                        + ": its stdin was closed after stdin() was taken");
            }
            if (stdin != null && "stdin()".equals(takenBy[0])) {
                takenBy[0] = null; // what was written through stdin() comes first; the input follows
            }
            in = stdin == null ? null : take(stdin, 0, "communicate()");
            out = stdout == null ? null : take(stdout, 1, "communicate()");
            err = stderr == null ? null : take(stderr, 2, "communicate()");
        }
        return new Communicator(in, input, Arrays.asList(out, err), child.exit());
    }

    /** The deadline {@code timeout} from now; see {@link Timeouts#deadline}. */
    static long deadline(Duration timeout) {
        return Timeouts.deadline(timeout);
    }

    /** How long a wait of {@code timeout} waits; see {@link Timeouts#waitNanos}. */
    static long waitNanos(Duration timeout) {
        return Timeouts.waitNanos(timeout);
    }

    private TimeoutExpiredException timedOut(Duration timeout) {
        return new TimeoutExpiredException(command(), timeout, communication.output(0), communication.output(1),
                "did not finish");
    }

    // ---- streaming --------------------------------------------------------------------------

    /** stdout as UTF-8 lines, read as the stream is consumed; see {@link #stdoutLines(Charset)}. */
    public Stream<String> stdoutLines() {
        return stdoutLines(StandardCharsets.UTF_8);
    }

    /**
     * stdout as lines in {@code charset}, read lazily as the stream is consumed: a slow
     * consumer slows the child (the pipe fills and it waits), nothing piles up in memory.
     * Lines end at {@code '\n'}, which is removed; nothing else is changed. Closing the
     * stream closes the pipe.
     *
     * <p>The stream ends at end of file, or, once the child has exited, when the pipe has
     * stayed empty for a short moment (250 ms): a descendant that inherited stdout and keeps
     * it open does not keep the stream going, as it does not hold up {@link #communicate}.
     * Calling this again gives a stream that goes on with the same lines, from where the
     * first one stopped.
     *
     * @throws IllegalStateException if stdout is not a pipe or was taken by another reader,
     *     or if its lines are already read in another charset
     */
    public Stream<String> stdoutLines(Charset charset) {
        return lines(1, take(stdout, 1, "stdoutLines()"), charset);
    }

    /** stderr as UTF-8 lines; see {@link #stdoutLines(Charset)}. */
    public Stream<String> stderrLines() {
        return stderrLines(StandardCharsets.UTF_8);
    }

    /** stderr as lines in {@code charset}; see {@link #stdoutLines(Charset)}. */
    public Stream<String> stderrLines(Charset charset) {
        return lines(2, take(stderr, 2, "stderrLines()"), charset);
    }

    /** Calls {@code action} with each UTF-8 line of stdout; see {@link #forEachStdoutLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStdoutLine(Consumer<String> action) {
        return forEachStdoutLine(StandardCharsets.UTF_8, action);
    }

    /**
     * Calls {@code action} with each line of stdout in {@code charset}, from a virtual thread
     * (no platform thread per stream). A slow action slows the child; nothing piles up. The
     * future completes at end of stdout (or, as for {@link #stdoutLines(Charset)}, when the
     * child has exited and a descendant keeps stdout open but silent), or exceptionally if
     * reading or the action fails (then the pipe is closed).
     */
    public CompletableFuture<Void> forEachStdoutLine(Charset charset, Consumer<String> action) {
        return forEachLine(take(stdout, 1, "forEachStdoutLine()"), "stdout", charset, action);
    }

    /** Calls {@code action} with each UTF-8 line of stderr; see {@link #forEachStdoutLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStderrLine(Consumer<String> action) {
        return forEachStderrLine(StandardCharsets.UTF_8, action);
    }

    /** Calls {@code action} with each line of stderr; see {@link #forEachStdoutLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStderrLine(Charset charset, Consumer<String> action) {
        return forEachLine(take(stderr, 2, "forEachStderrLine()"), "stderr", charset, action);
    }

    /** Calls {@code action} with each chunk of bytes read from stdout, as it arrives; as {@link #forEachStdoutLine}. */
    public CompletableFuture<Void> forEachStdoutChunk(Consumer<byte[]> action) {
        Objects.requireNonNull(action, "action");
        PipeInputStream in = take(stdout, 1, "forEachStdoutChunk()");
        InputStream lingering = lingering(in);
        return pump("stdout", in, () -> chunks(lingering, action));
    }

    /** Calls {@code action} with each chunk of bytes read from stderr, as it arrives; as {@link #forEachStdoutLine}. */
    public CompletableFuture<Void> forEachStderrChunk(Consumer<byte[]> action) {
        Objects.requireNonNull(action, "action");
        PipeInputStream in = take(stderr, 2, "forEachStderrChunk()");
        InputStream lingering = lingering(in);
        return pump("stderr", in, () -> chunks(lingering, action));
    }

    private CompletableFuture<Void> forEachLine(PipeInputStream in, String name, Charset charset,
                                                Consumer<String> action) {
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(action, "action");
        LineReader lines = new LineReader(lingering(in), charset);
        return pump(name, in, () -> {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                action.accept(line);
            }
        });
    }

    /** {@code in} read as the streaming readers read it: ending a short while after the child's exit. */
    private InputStream lingering(PipeInputStream in) {
        return new LingeringInputStream(in, child.exit());
    }

    private interface PumpBody {
        void run() throws IOException;
    }

    private CompletableFuture<Void> pump(String name, PipeInputStream in, PumpBody body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("multiproc-" + name + "-" + pid()).start(() -> {
            try (in) {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    private static void chunks(InputStream in, Consumer<byte[]> action) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            action.accept(Arrays.copyOf(buffer, n));
        }
    }

    /**
     * A stream of the lines of output {@code fd}: the first call makes the line reader, a
     * later one goes on with it (its buffered lines are not lost), in the same charset only.
     */
    private Stream<String> lines(int fd, PipeInputStream in, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        LineReader reader;
        synchronized (streams) {
            if (lines[fd] == null) {
                lines[fd] = new LineReader(lingering(in), charset);
                lineCharsets[fd] = charset;
            } else if (!lineCharsets[fd].equals(charset)) {
                throw new IllegalStateException(STREAM_NAMES[fd] + " of process " + pid() + " is already read as "
                        + lineCharsets[fd] + " lines; it cannot be read as " + charset + " too");
            }
            reader = lines[fd];
        }
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader,
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        in.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * Closes this JVM's ends of the pipes, then waits for the child to end, as Python's
     * {@code with Popen(...)} does. An interrupt stops the wait and stays set.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (java.io.Closeable c : new java.io.Closeable[] {stdin, stdout, stderr}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        try {
            waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code d}, checked and capped; see {@link Checks#notNegative}. */
    static Duration requireNonNegative(Duration d, String name) {
        return Checks.notNegative(d, name);
    }

    @Override
    public String toString() {
        return "Subprocess[pid=" + pid() + ", " + String.join(" ", command()) + ", "
                + exitStatus().map(ExitStatus::toString).orElse("running") + "]";
    }
}
