package dev.multiproc.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.SerializableFunction;
import dev.multiproc.SerializableRunnable;
import dev.multiproc.Task;
import dev.multiproc.WorkerPool;
import dev.multiproc.internal.pool.RunnableCall;
import dev.multiproc.internal.pool.UnstartedTask;
import dev.multiproc.internal.wire.SerialLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A {@link WorkerPool} whose workers are the worker JVMs of the members of a Hazelcast cluster
 * ({@link ClusterMember}, {@code ./multiproc member}): the same code as on a
 * {@link dev.multiproc.ProcessPool}, run on many machines.
 *
 * <pre>{@code
 * try (ClusterPool pool = ClusterPool.builder().addresses("127.0.0.1:5701").build()) {
 *     List<Integer> squares = pool.map(x -> x * x, inputs, 1_000);
 * }
 * }</pre>
 *
 * <p>This JVM is a Hazelcast client. A task is serialized here as a local pool serializes it,
 * runs in a worker JVM of a member, and its value or exception comes back as the worker's own
 * bytes, read here as a local pool reads them: the exception's class, message, causes and the
 * worker's stack trace survive. Members never read a user's object. This JVM's class path is
 * shipped to each member on first use (each file once, by content hash), so a member needs none
 * of the user's jars.
 *
 * <p><b>Failures.</b> As on a local pool, plus: a member is sent no more tasks than it has
 * workers, the rest wait here; when a member dies, the tasks that were running there fail with a
 * {@link dev.multiproc.MemberDiedException} naming it, nothing is run twice, and the tasks that
 * wait go to the other members. Member death is noticed within 5 s. {@code taskTimeout} and
 * {@code cancel(true)} kill the worker on its member. If this JVM dies or disconnects, its running
 * tasks are killed on every member. An open pool does not keep this JVM alive: once nothing else
 * does ({@code main} returned), its client is closed, which kills its running tasks, and the JVM
 * ends; {@link #close()} waits for them.
 *
 * <p><b>Security.</b> Every task, every class-path file and every answer is signed with the
 * cluster key (HMAC-SHA256); a member runs nothing that is not. The traffic is not encrypted
 * ({@code docs/cluster.md}).
 */
public final class ClusterPool implements WorkerPool {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final HazelcastInstance client;
    private final Dispatcher dispatcher;
    private final ClusterCalls calls;
    private final ClusterMaps maps;

    private ClusterPool(String name, HazelcastInstance client, Dispatcher dispatcher) {
        this.name = name;
        this.client = client;
        this.dispatcher = dispatcher;
        this.calls = new ClusterCalls(dispatcher, name);
        this.maps = new ClusterMaps(dispatcher, name);
    }

    /** A builder for a cluster pool; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- tasks

    @Override
    public <T> CompletableFuture<T> submit(Task<T> task) {
        Objects.requireNonNull(task, "task");
        return calls.call(task, new UnstartedTask(task), false, null);
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        ClusterCalls.requireSerializable(task, "Callable", ClusterCalls.CALLABLE_ADVICE);
        return calls.call(task, new UnstartedTask(task), false, null);
    }

    @Override
    public CompletableFuture<Void> submit(SerializableRunnable task) {
        Objects.requireNonNull(task, "task");
        return calls.call(new RunnableCall(task), task, true, null);
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        ClusterCalls.requireSerializable(task, "Runnable", ClusterCalls.RUNNABLE_ADVICE);
        return calls.call(new RunnableCall(task), task, true, result);
    }

    @Override
    public void execute(SerializableRunnable command) {
        Objects.requireNonNull(command, "command");
        calls.reportFailure(calls.call(new RunnableCall(command), command, true, null));
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        ClusterCalls.requireSerializable(command, "Runnable", ClusterCalls.RUNNABLE_ADVICE);
        calls.reportFailure(calls.call(new RunnableCall(command), command, true, null));
    }

    // ---------------------------------------------------------------- map

    @Override
    public <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs) throws InterruptedException {
        return maps.map(fn, inputs, 1);
    }

    @Override
    public <A, R> List<R> map(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize)
            throws InterruptedException {
        return maps.map(fn, inputs, chunkSize);
    }

    @Override
    public <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs) {
        return maps.mapUnordered(fn, inputs, 1);
    }

    @Override
    public <A, R> Stream<R> mapUnordered(SerializableFunction<A, R> fn, List<A> inputs, int chunkSize) {
        return maps.mapUnordered(fn, inputs, chunkSize);
    }

    // ---------------------------------------------------------------- invoke

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return Invocations.invokeAll(tasks, Long.MAX_VALUE, this::submit);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return Invocations.invokeAll(tasks, System.nanoTime() + unit.toNanos(timeout), this::submit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return Invocations.invokeAny(tasks, Long.MAX_VALUE, this::submit);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no deadline, yet timed out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return Invocations.invokeAny(tasks, System.nanoTime() + unit.toNanos(timeout), this::submit);
    }

    // ---------------------------------------------------------------- lifetime

    /** Takes no new tasks; those queued and running go on; then this JVM leaves the cluster. Does not wait. */
    @Override
    public void shutdown() {
        dispatcher.shutdown();
    }

    /**
     * Takes no new tasks, cancels those waiting here and kills the workers running the others.
     *
     * @return the tasks that had not been sent, as given (a {@code Callable} as a {@code Runnable}
     *     that calls it)
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> tasks = new ArrayList<>();
        for (Object o : dispatcher.shutdownNow()) {
            tasks.add((Runnable) o);
        }
        return tasks;
    }

    @Override
    public boolean isShutdown() {
        return dispatcher.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return dispatcher.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return dispatcher.awaitTermination(unit.toNanos(timeout));
    }

    /**
     * Shuts the pool down, waits until every task has run, and leaves the cluster. If interrupted,
     * calls {@link #shutdownNow()}, goes on waiting, and keeps the interrupt.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        shutdown();
        while (!isTerminated()) {
            try {
                awaitTermination(1, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        client.shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- about

    /** The name given to the builder, or {@code ClusterPool-N}. */
    public String name() {
        return name;
    }

    /**
     * The members of the cluster as this pool sees them now: each one's address, id, workers (how
     * many tasks of this pool it runs at once), tasks running, and state ({@code shipping} while
     * it gets the class path, {@code ready}, {@code refused} for a key that differs,
     * {@code failed}, {@code dead}).
     */
    public List<Member> members() {
        return dispatcher.members();
    }

    /** How many tasks the ready members run at once, all together. */
    public int workers() {
        int n = 0;
        for (Member m : members()) {
            if (m.state().equals("ready")) { // the others say why after a colon
                n += m.workers();
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "ClusterPool[" + name + ", " + dispatcher.describe() + "]";
    }

    /**
     * A member as a {@link ClusterPool} sees it.
     *
     * @param address its {@code HOST:PORT}
     * @param id its Hazelcast id
     * @param workers how many of this pool's tasks it runs at once
     * @param running how many of this pool's tasks run there now
     * @param state {@code shipping}, {@code ready}, {@code refused}, {@code failed} or {@code dead}
     *     (the last three followed by why)
     */
    public record Member(String address, String id, int workers, int running, String state) {}

    /** Settings for a cluster pool; {@link #build()} connects with the settings of that moment. */
    public static final class Builder {
        // read by ClusterConnector
        List<String> addresses = List.of("127.0.0.1:5701");
        String clusterName = "multiproc";
        Path clusterKey;
        int queueCapacity = Integer.MAX_VALUE;
        Duration taskTimeout;
        Duration connectTimeout = Duration.ofSeconds(10);
        private String name;
        SerialLimits limits = SerialLimits.defaults();
        List<Path> extraClassPath = List.of();

        private Builder() {}

        /**
         * The limits results and exceptions are read with here, as for a
         * {@link dev.multiproc.ProcessPool} ({@code maxbytes=...;maxdepth=...;maxrefs=...;maxarray=...},
         * and class patterns); a result over them fails its task. Default: the library's defaults.
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder deserializationFilter(String pattern) {
            this.limits = SerialLimits.parse(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        /** Files shipped besides this JVM's class path; for tests. */
        Builder extraClassPath(Path... files) {
            this.extraClassPath = List.of(files);
            return this;
        }

        /**
         * The {@code HOST:PORT} of one or more members; the others are found through them.
         * Default: {@code 127.0.0.1:5701}.
         *
         * @throws IllegalArgumentException if none is given, or one is not {@code HOST:PORT}
         */
        public Builder addresses(String... addresses) {
            if (addresses.length == 0) {
                throw new IllegalArgumentException("addresses needs at least one HOST:PORT");
            }
            List<String> all = new ArrayList<>();
            for (String a : addresses) {
                all.add(Addresses.check(a));
            }
            this.addresses = List.copyOf(all);
            return this;
        }

        /**
         * The cluster's name, as its members were given; default {@code multiproc}.
         *
         * @throws IllegalArgumentException if empty
         */
        public Builder clusterName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a cluster name cannot be empty: \"" + name + "\"");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * The file that holds the cluster key (the members' key). Default: the environment
         * variable {@code MULTIPROC_CLUSTER_KEY}, else (when every address is a loopback one)
         * this user's {@code ~/.multiproc/cluster.key}.
         */
        public Builder clusterKey(Path file) {
            this.clusterKey = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * How many submitted tasks may wait here for a member; default no limit. When full,
         * {@code submit} waits for room. {@code map} inputs are not counted.
         *
         * @throws IllegalArgumentException if less than 1
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * How long one task (a chunk of a map) may run in its worker; over it, the task fails
         * with {@link dev.multiproc.TaskTimeoutException} and its member kills the worker.
         * Default: no limit.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("taskTimeout must be positive: " + timeout);
            }
            this.taskTimeout = timeout;
            return this;
        }

        /**
         * How long {@link #build()} tries to reach a member; default 10 s.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The pool's name, for messages and threads; default {@code ClusterPool-N}.
         *
         * @throws IllegalArgumentException if empty
         */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a pool's name cannot be empty: \"" + name + "\"");
            }
            this.name = name;
            return this;
        }

        /**
         * Connects to the cluster, ships this JVM's class path to its members, and returns once
         * one member is ready for tasks (or the connect timeout passed: tasks then wait for one).
         *
         * @throws ClusterUnreachableException if no member answered within the connect timeout
         * @throws ClusterKeyException if every member refused this JVM's cluster key
         * @throws IllegalArgumentException if there is no cluster key for a non-loopback address,
         *     or the key file cannot be read
         * @throws dev.multiproc.MultiprocException if the class path cannot be read; nothing is left running
         */
        public ClusterPool build() {
            String poolName = name != null ? name : "ClusterPool-" + COUNTER.incrementAndGet();
            ClusterConnector.Connected c = ClusterConnector.connect(this, poolName);
            return new ClusterPool(poolName, c.client(), c.dispatcher());
        }
    }
}
