package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running (or finished) child process started by {@link Command#start()}.
 *
 * <p>The child is reaped as soon as it exits, whether or not anyone waits: it never stays a
 * zombie. Its status is kept, so {@link #waitFor()} returns the same {@link ExitStatus} from
 * any thread, any number of times. Signals go through a pidfd: they reach this child or
 * nothing, never a process that reused its pid.
 */
public final class Subprocess implements AutoCloseable {
    private static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE);
    private static final Executor ASYNC = task -> Thread.ofVirtual().name("multiproc-on-exit").start(task);

    private final Child child;
    private final PipeOutputStream stdin;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final Redirect[] redirects;

    Subprocess(Child child, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr,
               Redirect stdinRedirect, Redirect stdoutRedirect, Redirect stderrRedirect) {
        this.child = child;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.redirects = new Redirect[] {stdinRedirect, stdoutRedirect, stderrRedirect};
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
        return child.killTree(Signal.SIGTERM, requireNonNegative(grace, "grace"));
    }

    /** Waits for the child to end and returns its status. */
    public ExitStatus waitFor() throws InterruptedException {
        try {
            return child.exit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit future failed", e);
        }
    }

    /**
     * Waits up to {@code timeout} for the child to end.
     *
     * @return its status, or empty if it is still running
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        long nanos = requireNonNegative(timeout, "timeout").toNanos();
        try {
            return Optional.of(child.exit().get(nanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit future failed", e);
        }
    }

    /**
     * A future completed with the status when the child ends. Actions chained on it run on a
     * virtual thread, never on multiproc's event thread.
     */
    public CompletableFuture<ExitStatus> onExit() {
        return child.exit().thenApplyAsync(status -> status, ASYNC);
    }

    /**
     * The write end of the child's stdin.
     *
     * @throws IllegalStateException if stdin was not {@link Redirect#PIPE}
     */
    public OutputStream stdin() {
        return pipe(stdin, 0);
    }

    /**
     * The read end of the child's stdout.
     *
     * @throws IllegalStateException if stdout was not {@link Redirect#PIPE}
     */
    public InputStream stdout() {
        return pipe(stdout, 1);
    }

    /**
     * The read end of the child's stderr.
     *
     * @throws IllegalStateException if stderr was not {@link Redirect#PIPE}
     */
    public InputStream stderr() {
        return pipe(stderr, 2);
    }

    private <T> T pipe(T stream, int fd) {
        if (stream == null) {
            String name = new String[] {"stdin", "stdout", "stderr"}[fd];
            throw new IllegalStateException(name + " of process " + pid() + " is not a pipe (it is "
                    + redirects[fd] + "); start it with " + name + "(Redirect.PIPE) to use it");
        }
        return stream;
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

    /**
     * {@code d}, checked, and capped at the longest wait a count of nanoseconds can hold
     * (about 292 years), so that a caller's "forever" waits instead of overflowing.
     */
    static Duration requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
    }

    @Override
    public String toString() {
        return "Subprocess[pid=" + pid() + ", " + String.join(" ", command()) + ", "
                + exitStatus().map(ExitStatus::toString).orElse("running") + "]";
    }
}
