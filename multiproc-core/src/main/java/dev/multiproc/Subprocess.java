package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ExitStages;
import dev.multiproc.internal.io.ChildPipes;
import dev.multiproc.internal.io.Communicator;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.Waker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A running (or finished) child process started by {@link Command#start()}.
 *
 * <p>The child is reaped as soon as it exits, whether or not anyone waits: it never stays a
 * zombie. Its status is kept, so {@link #waitFor()} returns the same {@link ExitStatus} from
 * any thread, any number of times. Signals go through a pidfd: they reach this child or
 * nothing, never a process that reused its pid.
 *
 * <p>Its pipes are used in one of two ways, each taking the streams it uses: one by one
 * ({@link #stdin()}, and {@link #stdout()} and {@link #stderr()}, each a {@link ProcessOutput}
 * that is read as bytes, as lines or by a callback), or all at once with {@link #communicate}.
 * None of them needs a thread per pipe: waiting for a pipe parks the caller on multiproc's one
 * event thread. The shortcuts {@link #stdoutLines()}, {@link #forEachStdoutLine}, ... are
 * {@code stdout().lines()}, {@code stdout().forEachLine(...)}, ...: the same calls, kept for
 * the code that uses them; new code reads {@link ProcessOutput}, the same on a
 * {@link JvmProcess}.
 *
 * <p>It is a {@link SignalTarget}, the shape it shares with {@link JvmProcess} and
 * {@link DetachedProcess}: {@link #signal}, {@link #terminate()}, {@link #kill()},
 * {@link #isAlive()}, {@link #onExit()} and {@link #join(Duration)}.
 *
 * <p>A pipe nobody has taken when the child ends is closed then, as the JDK's {@code Process}
 * does: stdin at once, stdout and stderr after what they hold has been read and kept for a
 * later {@link #stdout()} or {@link #communicate}.
 */
public final class Subprocess implements AutoCloseable, SignalTarget, Waitable {
    private final Child child;
    private final ChildPipes pipes;
    /** stdout and stderr as the caller reads them, one object each (null if not a pipe). */
    private final ProcessOutput stdout;
    private final ProcessOutput stderr;
    private final boolean forCaller;
    private Communicator communication;

    /**
     * {@code forCaller}: the pipes are the caller's, and those not taken when the child ends
     * are closed then (see {@link ChildPipes}); otherwise the library takes them itself (run,
     * pipelines).
     */
    Subprocess(Child child, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr,
               Redirect stdinRedirect, Redirect stdoutRedirect, Redirect stderrRedirect, boolean forCaller) {
        this.child = child;
        this.pipes = new ChildPipes(child.pid(), stdin, stdout, stderr, stdinRedirect, stdoutRedirect,
                stderrRedirect);
        String owner = "process " + child.pid();
        this.stdout = stdout == null ? null : new ProcessOutput(stdout, child.exit(), "stdout", owner, child.pid());
        this.stderr = stderr == null ? null : new ProcessOutput(stderr, child.exit(), "stderr", owner, child.pid());
        this.forCaller = forCaller && pipes.any();
        if (this.forCaller) {
            child.exit().whenComplete((status, failure) -> pipes.closeUntouched());
        }
    }

    /** For {@link Multiproc#waitReady}: ready once the child has ended. */
    dev.multiproc.internal.io.Readiness readiness() {
        return dev.multiproc.internal.io.ExitReadiness.of(child.exit());
    }

    /** The child's process id. */
    @Override
    public long pid() {
        return child.pid();
    }

    /** The program and arguments it was started with. */
    public List<String> command() {
        return child.command();
    }

    /** True until the child has exited and been reaped; once false, {@link #exitStatus()} holds its status. */
    @Override
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
     *
     * @throws MultiprocException if the kernel refuses the signal (the message says why)
     */
    @Override
    public boolean signal(Signal signal) {
        return child.signal(Objects.requireNonNull(signal, "signal"));
    }

    /**
     * Sends {@code signal} to the child's whole process group: true if sent, false once the
     * child (the group's leader) has been reaped.
     *
     * @throws IllegalStateException if the child was not started with
     *     {@link Command#newProcessGroup()} or {@link Command#newSession()}
     * @throws MultiprocException if the kernel refuses the signal (the message says why)
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
        return child.killTree(Objects.requireNonNull(first, "first"), Timeouts.grace(grace, "grace"));
    }

    /**
     * Kills the child's tree, and also every process that holds one of its pipes (a
     * descendant left behind by a child that already exited), then stops communicating:
     * what a timeout or an abandoned {@code run()} does.
     */
    synchronized void killTreeAndStop(Signal first, Duration grace) throws IOException, InterruptedException {
        child.killTree(first, grace, pipes.otherHolders());
        if (communication != null) {
            communication.close();
        }
        for (Fd pipe : pipes.fds()) {
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
        return ended(ExitStages.await(child.exit(), pid()));
    }

    /**
     * Waits up to {@code timeout} for the child to end (as {@link #waitFor()} does). A zero or
     * negative timeout looks once, without waiting, as the JDK's {@code Process.waitFor} does.
     * {@link #join(Duration)} is the same wait, answered as every {@link SignalTarget} answers it.
     *
     * @return its status, or empty if it is still running
     * @throws NullPointerException if {@code timeout} is null
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.waitNanos(timeout);
        long start = System.nanoTime();
        child.awaitBriefly(nanos);
        if (!ExitStages.await(child.exit(), pid(), nanos - (System.nanoTime() - start))) {
            return Optional.empty();
        }
        return Optional.of(ended(child.exit().getNow(null)));
    }

    /**
     * Waits up to {@code timeout} for the child to end: true if it has (its status is then in
     * {@link #exitStatus()}). The wait every {@link SignalTarget} has; {@link #waitFor(Duration)}
     * is the same wait returning the status.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return waitFor(timeout).isPresent();
    }

    /**
     * {@code status}, once the pipes nobody took are closed: a waiter may wake before the
     * reaping thread has got to them, and after {@code waitFor} they must be closed.
     */
    private ExitStatus ended(ExitStatus status) {
        if (forCaller) {
            pipes.closeUntouched();
        }
        return status;
    }

    /**
     * A future completed with the status when the child ends. Actions chained on it run on a
     * virtual thread, never on multiproc's event thread, with the context class loader of the
     * thread that called this.
     */
    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return ExitStages.onExit(child.exit());
    }

    /**
     * The write end of the child's stdin. What is written here comes before the input of a
     * later {@link #communicate}, as in Python. A write after the child closed its end fails
     * with an {@code IOException} ("Broken pipe").
     *
     * @throws IllegalStateException if stdin was not {@link Redirect#PIPE}, or
     *     {@link #communicate} has taken it
     */
    public OutputStream stdin() {
        pipes.take(0, "stdin()");
        return pipes.stdin();
    }

    /**
     * The child's stdout, to read as bytes (blocking reads until end of file, and an
     * {@code available()} that says how much a read returns without waiting), as lines, or by
     * a callback; the same object on every call.
     *
     * @throws IllegalStateException if stdout was not {@link Redirect#PIPE}, or
     *     {@link #communicate} has taken it
     */
    public ProcessOutput stdout() {
        pipes.take(1, "stdout()");
        return stdout;
    }

    /**
     * The child's stderr; see {@link #stdout()}.
     *
     * @throws IllegalStateException if stderr was not {@link Redirect#PIPE}, or
     *     {@link #communicate} has taken it
     */
    public ProcessOutput stderr() {
        pipes.take(2, "stderr()");
        return stderr;
    }

    /** The stdin pipe for a pipeline's own plumbing (null if not a pipe); marks it taken. */
    PipeOutputStream stdinPipe() {
        return pipeFor(0, pipes.stdin());
    }

    PipeInputStream stdoutPipe() {
        return pipeFor(1, pipes.stdout());
    }

    PipeInputStream stderrPipe() {
        return pipeFor(2, pipes.stderr());
    }

    private <T> T pipeFor(int fd, T pipe) {
        if (pipe != null) {
            pipes.take(fd, "pipeline");
        }
        return pipe;
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
        long deadline = Timeouts.deadline(timeout);
        if (communication == null) {
            communication = pipes.communicate(input, child.exit());
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

    /** {@link Timeouts#deadline}, for commands and pipelines. */
    static long deadline(Duration timeout) {
        return Timeouts.deadline(timeout);
    }

    private TimeoutExpiredException timedOut(Duration timeout) {
        return new TimeoutExpiredException(command(), timeout, communication.output(0), communication.output(1),
                "did not finish");
    }

    // ---- shortcuts for stdout().lines(), stdout().forEachLine(...), ... (see ProcessOutput) ----
    // Each throws IllegalStateException as stdout() or stderr() does, or if the output is read
    // in another way (or, for lines, in another charset).

    /** {@code stdout().lines()}: stdout as UTF-8 lines, read as the stream is consumed. */
    public Stream<String> stdoutLines() {
        return stdout().lines();
    }

    /** {@code stdout().lines(charset)}; see {@link ProcessOutput#lines(Charset)}. */
    public Stream<String> stdoutLines(Charset charset) {
        return stdout().lines(charset);
    }

    /** {@code stderr().lines()}; see {@link ProcessOutput#lines(Charset)}. */
    public Stream<String> stderrLines() {
        return stderr().lines();
    }

    /** {@code stderr().lines(charset)}; see {@link ProcessOutput#lines(Charset)}. */
    public Stream<String> stderrLines(Charset charset) {
        return stderr().lines(charset);
    }

    /** {@code stdout().forEachLine(action)}: each UTF-8 line of stdout to {@code action}, from a virtual thread. */
    public CompletableFuture<Void> forEachStdoutLine(Consumer<String> action) {
        return stdout().forEachLine(action);
    }

    /** {@code stdout().forEachLine(charset, action)}; see {@link ProcessOutput#forEachLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStdoutLine(Charset charset, Consumer<String> action) {
        return stdout().forEachLine(charset, action);
    }

    /** {@code stderr().forEachLine(action)}; see {@link ProcessOutput#forEachLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStderrLine(Consumer<String> action) {
        return stderr().forEachLine(action);
    }

    /** {@code stderr().forEachLine(charset, action)}; see {@link ProcessOutput#forEachLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachStderrLine(Charset charset, Consumer<String> action) {
        return stderr().forEachLine(charset, action);
    }

    /** {@code stdout().forEachChunk(action)}; see {@link ProcessOutput#forEachChunk(Consumer)}. */
    public CompletableFuture<Void> forEachStdoutChunk(Consumer<byte[]> action) {
        return stdout().forEachChunk(action);
    }

    /** {@code stderr().forEachChunk(action)}; see {@link ProcessOutput#forEachChunk(Consumer)}. */
    public CompletableFuture<Void> forEachStderrChunk(Consumer<byte[]> action) {
        return stderr().forEachChunk(action);
    }

    /**
     * Closes this JVM's ends of the pipes, then waits for the child to end, as Python's
     * {@code with Popen(...)} does. An interrupt stops the wait and stays set.
     */
    @Override
    public void close() throws IOException {
        try {
            pipes.close();
        } finally {
            try {
                waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link Timeouts#grace}, for commands and pipelines. */
    static Duration requireNonNegative(Duration d, String name) {
        return Timeouts.grace(d, name);
    }

    @Override
    public String toString() {
        return "Subprocess[pid=" + pid() + ", " + String.join(" ", command()) + ", "
                + exitStatus().map(ExitStatus::toString).orElse("running") + "]";
    }
}
