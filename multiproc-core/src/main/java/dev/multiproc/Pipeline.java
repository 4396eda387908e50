package dev.multiproc;

import dev.multiproc.internal.io.Bytes;
import dev.multiproc.internal.io.Communicator;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
            if (i < stages.size() - 1 && c.stdoutSetting() != Redirect.PIPE) {
                throw new IllegalArgumentException("stage " + i + " (" + c + ") has stdout " + c.stdoutSetting()
                        + ", but in a pipeline its stdout is the pipe to the next stage");
            }
            if (i > 0 && (c.stdinSetting() != Redirect.PIPE || c.inputSetting() != null)) {
                throw new IllegalArgumentException("stage " + i + " (" + c + ") has its own stdin"
                        + " or input, but in a pipeline its stdin is the pipe from the stage before");
            }
            if (c.timeoutSetting() != null) {
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

    /** The time between SIGTERM and SIGKILL after a timeout (default 1 s). */
    public Pipeline timeoutGrace(Duration grace) {
        return new Pipeline(stages, timeout, Subprocess.requireNonNegative(grace, "grace"));
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
        List<Subprocess> started = new ArrayList<>();
        boolean done = false;
        try {
            startAll(started);
            List<PipeInputStream> outputs = new ArrayList<>();
            outputs.add(started.getLast().stdoutPipe());
            for (Subprocess s : started) {
                outputs.add(s.stderrPipe());
            }
            CompletableFuture<?> allExited = CompletableFuture.allOf(
                    started.stream().map(Subprocess::exitFuture).toArray(CompletableFuture[]::new));
            PipeOutputStream stdin = started.getFirst().stdinPipe();
            Communicator io = new Communicator(stdin, stages.getFirst().inputSetting(), outputs, allExited);
            long deadline = Subprocess.deadline(timeout);
            if (!io.pump(deadline) || !awaitAll(started, deadline)) {
                killAll(started, Signal.SIGTERM, grace);
                io.close();
                done = true;
                throw new TimeoutExpiredException(argv(), timeout, io.output(0), joinedStderr(io, started.size()),
                        "timed out; every stage's process tree was killed");
            }
            List<CompletedProcess> results = new ArrayList<>();
            for (int i = 0; i < started.size(); i++) {
                Subprocess s = started.get(i);
                results.add(new CompletedProcess(s.command(), s.pid(), s.waitFor(),
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

    private void startAll(List<Subprocess> started) throws IOException {
        int previousReadEnd = -1;
        for (int i = 0; i < stages.size(); i++) {
            int[] next;
            try {
                next = i < stages.size() - 1 ? innerPipe(i) : null;
            } catch (IOException | RuntimeException e) {
                Fds.closeQuietly(previousReadEnd);
                throw e;
            }
            try {
                started.add(stages.get(i).start(previousReadEnd, next == null ? -1 : next[1], List.of(), false));
            } catch (IOException | RuntimeException e) {
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
    private int[] innerPipe(int i) throws ProcessStartException {
        try {
            return Fds.pipe2(Fds.O_CLOEXEC);
        } catch (ErrnoException e) {
            String program = stages.get(i).argv().getFirst();
            throw new ProcessStartException("Cannot run program \"" + program + "\": cannot make the pipe from its"
                    + " stdout to the next stage: " + e.errnoName() + " (" + e.reason() + ")", program, e.errnoName(), e);
        }
    }

    private static boolean awaitAll(List<Subprocess> started, long deadline) throws InterruptedException {
        for (Subprocess s : started) {
            if (deadline == Waker.NO_DEADLINE) {
                s.waitFor();
            } else if (s.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static void killAll(List<Subprocess> started, Signal first, Duration grace)
            throws IOException, InterruptedException {
        for (Subprocess s : started) {
            s.killTreeAndStop(first, grace);
        }
    }

    private static Bytes joinedStderr(Communicator io, int stageCount) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
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
