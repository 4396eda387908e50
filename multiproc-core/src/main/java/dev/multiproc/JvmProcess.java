package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.ExitStages;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.jvm.JvmConfig;
import dev.multiproc.internal.jvm.TaskRun;
import dev.multiproc.internal.jvm.WarmSpare;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Task} running in a child JVM: Python's {@code multiprocessing.Process} for Java.
 *
 * <pre>{@code
 * JvmProcess<Long> p = JvmProcess.start(() -> LongStream.range(0, 1_000_000).sum());
 * long sum = p.result();          // waits, then returns the task's value
 * }</pre>
 *
 * <p>The child runs the same {@code java} as this JVM with this JVM's class path, module path
 * and module-access options, plus what the {@linkplain #builder() builder} adds. The task is
 * serialized here and deserialized there; its result (or its exception) comes back over a
 * private pipe, never through stdout or stderr, which the child inherits by default.
 *
 * <p><b>Exit status</b>, as Python reports it: 0 after the task returned, 1 after it threw (the
 * child prints the exception to its stderr, as Python prints the traceback), N after
 * {@code System.exit(N)} in the task, and {@code -N} from {@link ExitStatus#returncode()} when
 * signal N killed it. SIGTERM, SIGINT and SIGHUP run the child's shutdown hooks and then end it
 * by that signal, so {@link #terminate()} yields {@code -15} and {@link #kill()} {@code -9}. As
 * any JVM and any Python process, the child ends only when the non-daemon threads its task
 * started have ended; the result is sent as soon as the task returns.
 *
 * <p><b>Lifetime</b>, as in Python: a child that is not a {@linkplain Builder#daemon daemon}
 * keeps this JVM alive after {@code main} returns and is awaited by {@code System.exit}; a
 * daemon child is terminated when this JVM exits. Whatever the flag, a child halts when this
 * JVM dies (even by SIGKILL) unless it was started with {@link Builder#survivesParent}.
 *
 * <p>It is a {@link SignalTarget}, the shape it shares with {@link Subprocess} and
 * {@link DetachedProcess}; its {@link #stdout()} and {@link #stderr()}, when they are pipes,
 * are {@link ProcessOutput}s, as a {@code Subprocess}'s are.
 *
 * <p>A {@code JvmProcess} can exist before it runs: {@link #of} and {@link Builder#build}
 * create one, {@link #start()} starts it; {@link #start(Task)} and {@link Builder#start} do
 * both. It is started at most once.
 *
 * @param <T> the type of the task's result
 */
public final class JvmProcess<T> implements SignalTarget, Waitable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private enum State { NEW, STARTING, RUNNING, FAILED }

    private final Task<T> task;
    private final JvmConfig config;
    private final Object lock = new Object();
    private State state = State.NEW;
    private TaskRun run;
    private RuntimeException startFailure;
    /** The child's stdout and stderr as the caller reads them, made on first use. */
    private ProcessOutput stdout;
    private ProcessOutput stderr;

    private JvmProcess(Task<T> task, JvmConfig config) {
        this.task = task;
        this.config = config;
    }

    /** A process for {@code task} with the default settings, not started yet. */
    public static <T> JvmProcess<T> of(Task<T> task) {
        return builder().build(task);
    }

    /**
     * Starts {@code task} in a new child JVM with the default settings.
     *
     * @throws IllegalArgumentException if the task cannot be serialized; the message names the
     *     class that is not serializable and the way to it (such as {@code task → captured arg 0
     *     (com.x.Holder) → field conn: java.net.Socket is not Serializable}); no child is started
     * @throws ProcessStartException if the child JVM cannot be started ({@code java} cannot be
     *     run, the system is out of processes or fds); nothing is left behind
     * @throws MultiprocException if this JVM is too short of fds to prepare a first start
     */
    public static <T> JvmProcess<T> start(Task<T> task) {
        return builder().start(task);
    }

    /** A builder for a process with settings other than the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Kills the idle warm spare, if there is one, and cancels one being started: a spare is a
     * whole JVM waiting. The next start that asks for a spare starts cold and leaves a new one.
     */
    public static void discardSpare() {
        WarmSpare.discard();
    }

    /**
     * Starts this process.
     *
     * @return this process
     * @throws IllegalStateException if it was started before
     * @throws IllegalArgumentException if the task cannot be serialized (see {@link #start(Task)})
     * @throws ProcessStartException if the child JVM cannot be started (the directory is
     *     missing, {@code java} cannot be run, the system is out of processes or fds)
     * @throws MultiprocException if this JVM is too short of fds to prepare a first start
     */
    public JvmProcess<T> start() {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException(this + " was already started: a process starts at most once",
                        startFailure);
            }
            state = State.STARTING;
        }
        try {
            TaskRun started = TaskRun.start(task, config);
            synchronized (lock) {
                run = started;
                state = State.RUNNING;
            }
            return this;
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    private RuntimeException failed(RuntimeException e) {
        synchronized (lock) {
            startFailure = e;
            state = State.FAILED;
        }
        return e;
    }

    private TaskRun run() {
        synchronized (lock) {
            return switch (state) {
                case RUNNING -> run;
                case FAILED -> throw new IllegalStateException(config.name() + " failed to start: "
                        + startFailure.getMessage(), startFailure);
                case NEW, STARTING -> throw new IllegalStateException(config.name()
                        + " has not been started: call start() first");
            };
        }
    }

    private Child child() {
        return run().child();
    }

    /**
     * For {@link Multiproc#waitReady}: ready once the child has ended.
     *
     * @throws IllegalStateException if the process was not started, or failed to start
     */
    dev.multiproc.internal.io.Readiness readiness() {
        return dev.multiproc.internal.io.ExitReadiness.of(child().exit());
    }

    /**
     * The child's process id.
     *
     * @throws IllegalStateException if the process was not started, or failed to start
     */
    @Override
    public long pid() {
        return child().pid();
    }

    /** The name given to the builder, or {@code JvmProcess-N}. */
    public String name() {
        return config.name();
    }

    /** True if this is a daemon child: terminated, not awaited, when this JVM exits. */
    public boolean isDaemon() {
        return config.daemon();
    }

    /** True from a successful {@link #start()} until the child ends. */
    @Override
    public boolean isAlive() {
        synchronized (lock) {
            if (state != State.RUNNING) {
                return false;
            }
        }
        return child().isAlive();
    }

    /**
     * Waits for the child to end.
     *
     * @return how it ended
     * @throws IllegalStateException if the process was not started, or failed to start
     */
    public ExitStatus join() throws InterruptedException {
        Child child = child();
        return ExitStages.await(child.exit(), child.pid());
    }

    /**
     * Waits up to {@code timeout} for the child to end: the wait every {@link SignalTarget}
     * has. A zero or negative timeout means the deadline has passed: it looks once and returns
     * at once, as Python's {@code join(0)} and the JDK's {@code Process.waitFor(0, unit)} do.
     *
     * @return true if it has ended (its status is then in {@link #exitStatus()})
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if the process was not started, or failed to start
     */
    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.waitNanos(timeout);
        Child child = child();
        return ExitStages.await(child.exit(), child.pid(), nanos);
    }

    /** How the child ended; empty while it runs or if it was never started. Never waits. */
    public Optional<ExitStatus> exitStatus() {
        synchronized (lock) {
            if (state != State.RUNNING) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(child().exit().getNow(null));
    }

    /**
     * Sends {@code signal} to the child: true if sent, false if it had already ended. SIGTERM
     * ({@link #terminate()}) makes the child run its shutdown hooks and then die by the signal,
     * so its status is {@code -15}; SIGKILL ({@link #kill()}) ends it at once, {@code -9}.
     *
     * @throws IllegalStateException if the process was not started, or failed to start
     * @throws MultiprocException if the kernel refuses the signal (the message says why)
     */
    @Override
    public boolean signal(Signal signal) {
        return child().signal(Objects.requireNonNull(signal, "signal"));
    }

    /**
     * A future completed with the exit status when the child ends. Actions chained on it run
     * on a virtual thread, with the context class loader of the thread that called this.
     *
     * @throws IllegalStateException if the process was not started, or failed to start
     */
    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return ExitStages.onExit(child().exit());
    }

    /**
     * Waits for the child to end and returns the task's value; every call returns the same.
     *
     * @throws ChildFailedException if the task threw (the cause is the child's exception,
     *     with the child's stack trace), its result could not be serialized, the child ended
     *     without a result (killed, {@code System.exit}, a JVM that could not start: see
     *     {@link ChildFailedException#exitStatus()} and {@link ChildFailedException#stderrTail()}),
     *     or the result cannot be deserialized in this JVM (the cause is what its
     *     deserialization threw, even an {@code Error})
     * @throws IllegalStateException if the process was not started, or failed to start (the
     *     cause is the start's failure)
     */
    @SuppressWarnings("unchecked")
    public T result() throws InterruptedException {
        return (T) run().result();
    }

    /**
     * The child's stdout, to read as bytes, as lines or by a callback, as a
     * {@link Subprocess}'s; the same object on every call.
     *
     * @throws IllegalStateException if stdout is not {@link Redirect#PIPE}, or the process was
     *     not started
     */
    public ProcessOutput stdout() {
        TaskRun started = run();
        synchronized (lock) {
            if (stdout == null) {
                stdout = output(started.stdout(), "stdout", config.stdout(), started.child());
            }
            return stdout;
        }
    }

    /**
     * The child's stderr; see {@link #stdout()}.
     *
     * @throws IllegalStateException if stderr is not {@link Redirect#PIPE}, or the process was
     *     not started
     */
    public ProcessOutput stderr() {
        TaskRun started = run();
        synchronized (lock) {
            if (stderr == null) {
                stderr = output(started.stderr(), "stderr", config.stderr(), started.child());
            }
            return stderr;
        }
    }

    private ProcessOutput output(PipeInputStream pipe, String name, Redirect redirect, Child child) {
        if (pipe == null) {
            throw new IllegalStateException(name + " of " + config.name() + " is not a pipe (it is " + redirect
                    + "); build it with " + name + "(Redirect.PIPE) to read it");
        }
        return new ProcessOutput(pipe, child.exit(), name, config.name() + " (pid " + child.pid() + ")", child.pid());
    }

    @Override
    public String toString() {
        State s;
        synchronized (lock) {
            s = state;
        }
        String what = switch (s) {
            case NEW, STARTING -> "not started";
            case FAILED -> "failed to start";
            case RUNNING -> "pid=" + pid() + ", " + exitStatus().map(ExitStatus::toString).orElse("running");
        };
        return "JvmProcess[" + config.name() + ", " + what + (config.daemon() ? ", daemon" : "") + "]";
    }

    /**
     * Settings for a child JVM. Every setting has a default; a builder can make any number of
     * processes, each with the settings of the moment it was built. The settings it shares with
     * {@link ProcessPool.Builder} (its name, options, properties, environment, directory,
     * redirects and filter) mean the same there, and those it shares with {@link Command} mean
     * the same there too; called twice, a setting of one value takes the last value given, and
     * the options, properties and variables add up.
     */
    public static final class Builder extends JvmBuilder<Builder> {
        private Builder() {
            super(JvmConfig.forProcess(), "a child JVM", true);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Python's {@code daemon} flag (default false). A daemon child is terminated (SIGTERM to
         * its tree, a short grace, SIGKILL) when this JVM exits; a non-daemon child keeps this
         * JVM alive after {@code main} returns, and {@code System.exit} waits for it.
         */
        public Builder daemon(boolean daemon) {
            return child(config.child().withDaemon(daemon));
        }

        /** Lets the child keep running when this JVM dies: {@code survivesParent(true)}. */
        public Builder survivesParent() {
            return survivesParent(true);
        }

        /**
         * Whether the child keeps running when this JVM dies without a chance to stop it
         * (SIGKILL, {@code Runtime.halt}, a crash). Default false: the child halts within a
         * second (multiproc's lifeline). True gives Python's behaviour; the child's stderr is
         * then not passed through this JVM.
         */
        public Builder survivesParent(boolean survivesParent) {
            return child(config.child().withSurvivesParent(survivesParent));
        }

        /**
         * Keeps a warm spare: after each start with these settings, an idle child JVM is
         * started in the background, so that the next start with equal settings (options,
         * properties, environment, directory and redirects) skips the JVM's start-up. Default
         * false. At most one spare exists at a time in this JVM.
         */
        public Builder warmSpare(boolean warmSpare) {
            config = config.withWarmSpare(warmSpare);
            return this;
        }

        /**
         * How long this non-daemon child is awaited when this JVM is stopped by SIGTERM,
         * SIGINT or SIGHUP before it is terminated too. Default 10 seconds.
         *
         * @throws IllegalArgumentException if {@code grace} is negative
         */
        public Builder signalGrace(Duration grace) {
            config = config.withSignalGrace(grace);
            return this;
        }

        /** A process for {@code task} with these settings, not started yet. */
        public <T> JvmProcess<T> build(Task<T> task) {
            Objects.requireNonNull(task, "task");
            JvmConfig named = config.name() != null ? config : config.withName("JvmProcess-" + COUNTER.incrementAndGet());
            return new JvmProcess<>(task, named);
        }

        /**
         * Builds a process for {@code task} and starts it.
         *
         * @throws IllegalArgumentException if the task cannot be serialized (see {@link JvmProcess#start(Task)})
         * @throws ProcessStartException if the child JVM cannot be started
         * @throws MultiprocException if this JVM is too short of fds to prepare a first start
         */
        public <T> JvmProcess<T> start(Task<T> task) {
            return build(task).start();
        }
    }
}
