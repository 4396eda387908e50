package dev.multiproc.hazelcast;

import dev.multiproc.internal.pool.PoolCore;
import dev.multiproc.internal.pool.RelayedJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A member's local worker pools: one per distinct class path (and task timeout) its clients
 * use, started on the first offer of that class path, and closed (its workers killed) when no
 * job runs in it and either no connected client uses it or it has been idle for the idle time.
 */
final class LocalPools {
    /** What makes two pools different: the workers' class path and the task timeout. */
    record Key(String classPath, long timeoutNanos) {}

    /** One pool, with who uses it; guarded by the {@link LocalPools}' monitor. */
    static final class Entry {
        final PoolCore core;
        final Set<UUID> clients = new HashSet<>();
        int running;
        long idleSince = System.nanoTime();

        Entry(PoolCore core) {
            this.core = core;
        }
    }

    private final String prefix;
    private final int workers;
    private final List<String> jvmOptions;
    private final long idleNanos;
    private final Map<Key, Entry> pools = new HashMap<>();
    private int count;
    private boolean closed;

    LocalPools(String prefix, int workers, List<String> jvmOptions, Duration idle) {
        this.prefix = prefix;
        this.workers = workers;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.idleNanos = idle.toNanos();
    }

    /**
     * The pool for {@code key}, started if there is none, marked as used by {@code client};
     * counts a running job if {@code job}.
     *
     * @throws IllegalStateException if the member is closing
     */
    synchronized Entry acquire(Key key, List<Path> classPath, UUID client, boolean job) {
        if (closed) {
            throw new IllegalStateException("the member is closing");
        }
        Entry e = pools.get(key);
        if (e == null || e.core.isShutdown()) {
            List<String> entries = new ArrayList<>();
            for (Path p : classPath) {
                entries.add(p.toString());
            }
            Duration timeout = key.timeoutNanos() > 0 ? Duration.ofNanos(key.timeoutNanos()) : null;
            e = new Entry(RelayedJobs.start(prefix + "-pool" + (++count), workers, jvmOptions, entries, timeout));
            pools.put(key, e);
        }
        e.clients.add(client);
        if (job) {
            e.running++;
        }
        return e;
    }

    /** A job of {@code e} ended. */
    synchronized void release(Entry e) {
        if (--e.running == 0) {
            e.idleSince = System.nanoTime();
        }
    }

    /** {@code client} is gone: the pools no one else uses close once their jobs ended. */
    synchronized void clientGone(UUID client, Set<UUID> connected) {
        for (Entry e : pools.values()) {
            e.clients.remove(client);
            e.clients.retainAll(connected);
        }
        closeUnused(System.nanoTime(), connected);
    }

    /** Closes the pools that no job runs in and that no client uses, or that have been idle too long. */
    synchronized void closeUnused(long now, Set<UUID> connected) {
        pools.values().removeIf(e -> {
            e.clients.retainAll(connected);
            boolean unused = e.running == 0 && (e.clients.isEmpty() || now - e.idleSince > idleNanos);
            if (unused) {
                e.core.shutdownNow();
            }
            return unused;
        });
    }

    /** The process ids of every worker of every pool, for monitoring and tests. */
    synchronized List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (Entry e : pools.values()) {
            pids.addAll(e.core.workerPids());
        }
        return pids;
    }

    synchronized int size() {
        return pools.size();
    }

    /** Kills every pool's workers; no pool starts after. */
    synchronized void closeAll() {
        closed = true;
        for (Entry e : pools.values()) {
            e.core.shutdownNow();
        }
        pools.clear();
    }
}
