package dev.multiproc.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.MultiprocException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A member of a multiproc cluster, embedded in this JVM: a Hazelcast member that runs the tasks
 * of {@link ClusterPool}s in worker JVMs of its own (local multiproc pools, one per distinct
 * class path its clients ship, of {@link Options#workers workers} JVMs each, closed when idle).
 *
 * <pre>{@code
 * try (ClusterMember member = ClusterMember.start(ClusterMember.options().port(5701).workers(4))) {
 *     member.awaitClose();
 * }
 * }</pre>
 *
 * <p>By default it binds 127.0.0.1 only, finds the other members by TCP at the addresses given
 * to {@link Options#join}, and uses no multicast and no phone-home. It runs only what is signed
 * with its cluster key (see {@link Options#clusterKey}); binding any other address than a
 * loopback one requires a key to be given. A task runs in a worker JVM, never in the member: a
 * task that crashes its JVM fails alone, and the member goes on. {@code ./multiproc member}
 * starts one from the command line.
 */
public final class ClusterMember implements AutoCloseable {
    private final HazelcastInstance hazelcast;
    private final MemberService service;
    private final Options options;
    private final Object closedLock = new Object();
    private boolean closed;

    private ClusterMember(HazelcastInstance hazelcast, MemberService service, Options options) {
        this.hazelcast = hazelcast;
        this.service = service;
        this.options = options;
    }

    /** Settings for a member: every one has a default. */
    public static Options options() {
        return new Options();
    }

    /**
     * Starts a member with the default settings (127.0.0.1:5701, cluster {@code multiproc}, one
     * worker per processor).
     *
     * @throws MultiprocException if the member cannot start (its port is taken...)
     */
    public static ClusterMember start() {
        return start(options());
    }

    /**
     * Starts a member, and returns once it has joined its cluster (or formed one).
     *
     * @throws IllegalArgumentException if it would bind an address that is not a loopback one
     *     without a cluster key, or the key cannot be read
     * @throws MultiprocException if the member cannot start (its port is taken...); nothing is
     *     left running then
     */
    public static ClusterMember start(Options options) {
        Objects.requireNonNull(options, "options");
        boolean loopback = isLoopback(options.bind);
        ClusterKey key = ClusterKey.resolve(options.clusterKey, loopback,
                "binding " + options.bind + " (not a loopback address)");
        HazelcastSettings.quietLogging();
        FileCache files;
        try {
            files = new FileCache();
            files.seedWithOwnJars();
        } catch (IOException e) {
            throw new MultiprocException("cannot make the member's class-path directory: " + e, e);
        }
        String prefix = "member-" + options.port;
        MemberService service = new MemberService(key, files,
                new LocalPools(prefix, options.workers, options.workerJvmOptions, options.idleTimeout));
        HazelcastInstance hazelcast;
        try {
            hazelcast = Hazelcast.newHazelcastInstance(HazelcastSettings.member(options.clusterName, options.bind,
                    options.port, options.join, options.workers, service));
        } catch (RuntimeException e) {
            service.close();
            throw new MultiprocException("cannot start a cluster member on " + options.bind + ":" + options.port
                    + ": " + e.getMessage(), e);
        }
        service.attach(hazelcast);
        return new ClusterMember(hazelcast, service, options);
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot bind a cluster member to " + address + ": unknown host", e);
        }
    }

    /** The address other members and clients reach it at: {@code 127.0.0.1:5701}. */
    public String address() {
        return options.bind + ":" + options.port;
    }

    /** The name of its cluster. */
    public String clusterName() {
        return options.clusterName;
    }

    /** How many workers each of its local pools has. */
    public int workers() {
        return options.workers;
    }

    /** The addresses of the members of its cluster now, itself included. */
    public List<String> members() {
        List<String> all = new ArrayList<>();
        hazelcast.getCluster().getMembers().forEach(m -> all.add(m.getAddress().getHost() + ":"
                + m.getAddress().getPort()));
        return all;
    }

    /** The process ids of its worker JVMs now (a snapshot, for monitoring). */
    public List<Long> workerPids() {
        return service.workerPids();
    }

    /** Waits until {@link #close()} was called. */
    public void awaitClose() throws InterruptedException {
        synchronized (closedLock) {
            while (!closed) {
                closedLock.wait();
            }
        }
    }

    /**
     * Leaves the cluster and kills the member's workers; the tasks that were running here fail
     * at their clients with a {@link dev.multiproc.MemberDiedException}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closedLock) {
            if (closed) {
                return;
            }
            closed = true;
            closedLock.notifyAll();
        }
        try {
            hazelcast.getLifecycleService().terminate();
        } finally {
            service.close();
        }
    }

    @Override
    public String toString() {
        return "ClusterMember[" + address() + ", cluster " + options.clusterName + ", " + options.workers
                + " workers per class path]";
    }

    /** A member's settings; each setter checks its value and returns these settings. */
    public static final class Options {
        int workers = Runtime.getRuntime().availableProcessors();
        List<String> workerJvmOptions = new ArrayList<>();
        int port = 5701;
        String bind = "127.0.0.1";
        List<String> join = new ArrayList<>();
        String clusterName = "multiproc";
        Path clusterKey;
        Duration idleTimeout = Duration.ofMinutes(1);

        private Options() {}

        /**
         * How many worker JVMs each local pool has: how many tasks of one class path the member
         * runs at once; default: the number of processors.
         *
         * @throws IllegalArgumentException if less than 1
         */
        public Options workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1: " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * JVM options for the member's workers ({@code -Xmx2g}...), after those given before.
         *
         * @throws IllegalArgumentException if an option does not start with {@code -}
         */
        public Options workerJvmOptions(String... options) {
            for (String o : options) {
                if (o == null || !o.startsWith("-")) {
                    throw new IllegalArgumentException("a JVM option starts with '-': " + o);
                }
                workerJvmOptions.add(o);
            }
            return this;
        }

        /**
         * The port to listen on; default 5701.
         *
         * @throws IllegalArgumentException if not 1 to 65535
         */
        public Options port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to bind; default 127.0.0.1. Any address that is not a loopback one
         * requires a {@link #clusterKey cluster key}.
         *
         * @throws IllegalArgumentException if empty
         */
        public Options bind(String address) {
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("bind needs an address: \"" + address + "\"");
            }
            this.bind = address;
            return this;
        }

        /**
         * The {@code HOST:PORT} addresses of other members to join, added to those given before;
         * default none (the member forms a cluster of its own until others join it).
         *
         * @throws IllegalArgumentException if an address is not {@code HOST:PORT}
         */
        public Options join(String... addresses) {
            for (String a : addresses) {
                Addresses.check(a);
                join.add(a.strip());
            }
            return this;
        }

        /**
         * The cluster's name: members and clients of different names ignore each other; default
         * {@code multiproc}.
         *
         * @throws IllegalArgumentException if empty
         */
        public Options clusterName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a cluster name cannot be empty: \"" + name + "\"");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * The file that holds the cluster key. Default: the environment variable
         * {@code MULTIPROC_CLUSTER_KEY}, else (on a loopback address only) this user's
         * {@code ~/.multiproc/cluster.key}, made on first use.
         */
        public Options clusterKey(Path file) {
            this.clusterKey = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * How long a local pool stays with no task before its workers are stopped; default one
         * minute. A pool whose clients are all gone is stopped at once.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Options idleTimeout(Duration idle) {
            if (idle == null || idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idle);
            }
            this.idleTimeout = idle;
            return this;
        }

        /** These settings as the arguments of {@code multiproc member}. */
        List<String> arguments() {
            List<String> args = new ArrayList<>(List.of("--workers", Integer.toString(workers),
                    "--port", Integer.toString(port), "--bind", bind, "--cluster-name", clusterName,
                    "--idle-timeout", idleTimeout.toMillis() + "ms"));
            if (!join.isEmpty()) {
                args.add("--join");
                args.add(String.join(",", join));
            }
            if (clusterKey != null) {
                args.add("--key");
                args.add(clusterKey.toAbsolutePath().toString());
            }
            for (String o : workerJvmOptions) {
                args.add("--worker-jvm-option=" + o);
            }
            return args;
        }
    }
}
