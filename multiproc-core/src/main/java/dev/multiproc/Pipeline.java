package dev.multiproc;

import dev.multiproc.internal.io.Bytes;
import dev.multiproc.internal.io.Communicator;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.TreeKill;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.launch.Checks;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.launch.Launcher;
import dev.multiproc.internal.launch.StartFailures;
import dev.multiproc.internal.launch.Started;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Commands joined stdout to stdin, as a shell's {@code a | b | c}: each stage's stdout is a
 * kernel pipe into the next stage's stdin (no byte passes through Java). The first stage's
 * {@link Command#input input} feeds the pipeline, the last stage's stdout is captured, and
 * each stage's stderr is captured separately. Immutable.
 *
 * <p>The status follows {@code set -o pipefail}: the rightmost stage that failed decides,
 * and the pipeline succeeds only if every stage did. A stage that ends early closes its
 * stdin, so the stage before it gets SIGPIPE (or EPIPE) instead of hanging.
 */
public final class Pipeline {
    private final List<Command> stages;
    private final Duration timeout;
    private final Duration grace;

    private Pipeline(List<Command> stages, Duration timeout, Duration grace) {
        this.stages = stages;
        this.timeout = timeout;
        this.grace = grace;
    }

    /**
     * A pipeline of {@code commands}, in order.
     *
     * @throws IllegalArgumentException if there are fewer than two commands, if a stage but the
     *     last has its stdout redirected away from the pipe, if a stage but the first has its
     *     stdin redirected or input set, or if a stage has its own timeout (set it on the pipeline)
     */
    public static Pipeline of(Command... commands) {
        return of(List.of(Objects.requireNonNull(commands, "commands")));
    }

    /** As {@link #of(Command...)}. */
    public static Pipeline of(List<Command> commands) {
        List<Command> stages = List.copyOf(commands);
        if (stages.size() < 2) {
            throw new IllegalArgumentException("a pipeline needs at least two commands, got " + stages.size());
        }
        for (int i = 0; i < stages.size(); i++) {
            Command c = stages.get(i);
            LaunchRequest stage = c.launchRequest();
            if (i < stages.size() - 1 && stage.settings().stdout() != Redirect.PIPE) {
                throw new IllegalArgumentException("stage " + i + " (" + c + ") has stdout " + stage.settings().stdout()
                        + ", but in a pipeline its stdout is the pipe to the next stage");
            }
            if (i > 0 && (stage.settings().stdin() != Redirect.PIPE || c.runSettings().input() != null)) {
                throw new IllegalArgumentException("stage " + i + " (" + c + ") has its own stdin"
                        + " or input, but in a pipeline its stdin is the pipe from the stage before");
            }
            if (c.runSettings().timeout() != null) {
                throw new IllegalArgumentException("stage " + i + " (" + c + ") has its own timeout;"
                        + " set the timeout on the pipeline");
            }
        }
        return new Pipeline(stages, null, Command.DEFAULT_TIMEOUT_GRACE);
    }

    /** The stages, in order. */
    public List<Command> stages() {
        return stages;
    }

    /**
     * How long {@link #run()} lets the pipeline run; at the deadline every stage's tree gets
     * SIGTERM, then SIGKILL after the grace, and {@link TimeoutExpiredException} is thrown. A
     * zero or negative timeout is a deadline that has passed already: {@code run()} starts the
     * stages and looks once whether they are done.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public Pipeline timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return new Pipeline(stages, timeout, grace);
    }

    /**
     * The time between SIGTERM and SIGKILL after a timeout (default 1 s).
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Pipeline timeoutGrace(Duration grace) {
        return new Pipeline(stages, timeout, Checks.notNegative(grace, "grace"));
    }

    /**
     * Runs every stage to its end and returns each stage's status and output.
     *
     * @throws TimeoutExpiredException at the deadline, with the last stage's stdout and every
     *     stage's stderr read until then; every stage's tree has been killed
     * @throws InterruptedException if this thread is interrupted while it waits (every stage's
     *     tree is killed; the interrupt status is cleared)
     * @throws IllegalStateException if the first stage has input but its stdin is not a pipe
     *     (a file, say): the input could not reach it
     * @throws ProcessStartException if a stage cannot be started, or a pipe between two stages
     *     cannot be made (the stages already started are killed)
     */
    public CompletedPipeline run() throws IOException, InterruptedException {
        stages.getFirst().requireInputPipe("Pipeline.run()");
        List<Started> started = new ArrayList<>();
        boolean done = false;
        try {
            startAll(started);
            List<PipeInputStream> outputs = new ArrayList<>();
            outputs.add(started.getLast().stdout());
            for (Started s : started) {
                outputs.add(s.stderr());
            }
            CompletableFuture<?> allExited = CompletableFuture.allOf(
                    started.stream().map(s -> s.child().exit()).toArray(CompletableFuture[]::new));
            Communicator io = new Communicator(started.getFirst().stdin(), stages.getFirst().runSettings().input(),
                    outputs, allExited);
            long deadline = Timeouts.deadline(timeout);
            if (!io.pump(deadline) || !awaitAll(started, deadline)) {
                killAll(started, Signal.SIGTERM, grace);
                io.close();
                done = true;
                throw new TimeoutExpiredException(argv(), timeout, io.output(0), joinedStderr(io, started.size()),
                        "timed out; every stage's process tree was killed");
            }
            List<CompletedProcess> results = new ArrayList<>();
            for (int i = 0; i < started.size(); i++) {
                Started s = started.get(i);
                results.add(new CompletedProcess(s.child().command(), s.child().pid(), statusOf(s),
                        i == started.size() - 1 ? io.output(0) : Bytes.EMPTY, io.output(i + 1)));
            }
            done = true;
            return new CompletedPipeline(results);
        } finally {
            if (!done) {
                killAll(started, Signal.SIGKILL, Duration.ZERO);
            }
        }
    }

    /**
     * Starts every stage, each one's stdout the next one's stdin: a pipe made here, whose ends
     * go to the two stages and are closed here once they hold them.
     */
    private void startAll(List<Started> started) {
        int previousReadEnd = -1;
        for (int i = 0; i < stages.size(); i++) {
            int[] next;
            try {
                next = i < stages.size() - 1 ? innerPipe(i) : null;
            } catch (RuntimeException e) {
                Fds.closeQuietly(previousReadEnd);
                throw e;
            }
            try {
                started.add(Launcher.launch(stages.get(i).launchRequest()
                        .withStdioFds(previousReadEnd, next == null ? -1 : next[1])));
            } catch (RuntimeException e) {
                if (next != null) {
                    Fds.closeQuietly(next[0]);
                }
                throw e;
            } finally {
                Fds.closeQuietly(previousReadEnd);
                if (next != null) {
                    Fds.closeQuietly(next[1]);
                }
            }
            previousReadEnd = next == null ? -1 : next[0];
        }
    }

    /** The pipe from stage {@code i} to the next; out of fds, a start failure naming stage {@code i}. */
    private int[] innerPipe(int i) {
        try {
            return Fds.pipe2(Fds.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw StartFailures.pipeToNextStage(stages.get(i).argv().getFirst(), e);
        }
    }

    private static boolean awaitAll(List<Started> started, long deadline) throws InterruptedException {
        for (Started s : started) {
            s.child().awaitBriefly(deadline == Waker.NO_DEADLINE ? Long.MAX_VALUE
                    : Math.max(0, deadline - System.nanoTime()));
            try {
                if (deadline == Waker.NO_DEADLINE) {
                    s.child().exit().get();
                } else {
                    s.child().exit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException("exit future failed", e);
            }
        }
        return true;
    }

    /** The status of a stage that has ended. */
    private static ExitStatus statusOf(Started s) {
        return s.child().exit().getNow(null);
    }

    /** Kills each stage's tree and whoever holds its pipes, then closes this JVM's ends of them. */
    private static void killAll(List<Started> started, Signal first, Duration grace)
            throws IOException, InterruptedException {
        for (Started s : started) {
            List<Fd> pipes = Stream.of(s.stdin() == null ? null : s.stdin().fd(),
                    s.stdout() == null ? null : s.stdout().fd(), s.stderr() == null ? null : s.stderr().fd())
                    .filter(Objects::nonNull).toList();
            TreeKill.withPipeHolders(s.child(), pipes, first, grace);
            for (Fd pipe : pipes) {
                pipe.close();
            }
        }
    }

    private static Bytes joinedStderr(Communicator io, int stageCount) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 1; i <= stageCount; i++) {
            all.writeBytes(io.output(i).toArray());
        }
        return Bytes.wrap(all.toByteArray());
    }

    private List<String> argv() {
        List<String> argv = new ArrayList<>();
        for (Command c : stages) {
            if (!argv.isEmpty()) {
                argv.add("|");
            }
            argv.addAll(c.argv());
        }
        return argv;
    }

    @Override
    public String toString() {
        return String.join(" ", argv());
    }
}
