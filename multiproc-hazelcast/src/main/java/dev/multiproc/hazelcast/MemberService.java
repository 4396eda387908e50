package dev.multiproc.hazelcast;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerDiedException;
import dev.multiproc.internal.pool.RelayedJobs;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a member does with the calls of its clients: checks each one's signature, keeps the
 * class-path files they send, runs their jobs in its local pools, and kills a client's jobs
 * when the client goes away.
 *
 * <h2>Nothing runs that a stranger sent</h2>
 * Every call is checked against the member's cluster key before anything else; a call that fails
 * the check is logged and answered with a refusal, and nothing of it is kept or run. A class-path
 * file is kept only under the SHA-256 of its content, checked.
 *
 * <h2>Nothing of the user's is read here</h2>
 * A job is handed to a local pool as its submitter's bytes ({@link RelayedJobs}); the answer
 * goes back as the worker's bytes.
 *
 * <h2>No orphaned work</h2>
 * When a client disconnects (it died, or it closed), every job it has running here is cancelled,
 * which kills the worker running it, and the pools it alone used are closed. A job that arrives
 * from a client that is not connected is not run; a job registered while its client's
 * disconnection is being handled is cancelled by the check that follows its registration.
 */
final class MemberService {
    static final String CONTEXT_KEY = "dev.multiproc.hazelcast.MemberService";
    private static final System.Logger LOG = System.getLogger("dev.multiproc.hazelcast.member");

    private record JobKey(UUID client, long id) {}

    private final ClusterKey key;
    private final FileCache files;
    private final LocalPools pools;
    private final ConcurrentHashMap<String, List<Path>> classPaths = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<JobKey, CompletableFuture<byte[]>> running = new ConcurrentHashMap<>();
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    private volatile HazelcastInstance hazelcast;
    private volatile String name = "member";

    MemberService(ClusterKey key, FileCache files, LocalPools pools) {
        this.key = key;
        this.files = files;
        this.pools = pools;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("multiproc-member-reaper").unstarted(r));
    }

    /** Starts watching clients, once the member runs. */
    void attach(HazelcastInstance instance) {
        this.hazelcast = instance;
        this.name = instance.getCluster().getLocalMember().getAddress().toString();
        instance.getClientService().addClientListener(new ClientListener() {
            @Override
            public void clientConnected(Client client) {
                gone.remove(client.getUuid());
            }

            @Override
            public void clientDisconnected(Client client) {
                clientGone(client.getUuid());
            }
        });
        reaper.scheduleWithFixedDelay(() -> pools.closeUnused(System.nanoTime(), connected()), 5, 5,
                TimeUnit.SECONDS);
    }

    /** Answers {@code call}: the reply's bytes, signed. */
    byte[] handle(MemberCall call) {
        if (!call.signedWith(key)) {
            LOG.log(System.Logger.Level.WARNING, "refused a call from client " + call.client()
                    + ": its signature is missing or not this member's cluster key's (from " + key.source() + ")");
            return Reply.refused("member " + name + " refused the call: its signature is missing or was not made"
                    + " with the member's cluster key").signed(key, call.header());
        }
        Reply reply;
        try {
            reply = switch (call.op()) {
                case MemberCall.OFFER -> offer(call);
                case MemberCall.PUT_FILE -> put(call);
                case MemberCall.RUN -> run(call);
                case MemberCall.CANCEL -> cancel(call);
                default -> Reply.failed("unknown operation " + call.op());
            };
        } catch (IOException | RuntimeException e) {
            reply = Reply.failed("member " + name + " failed: " + e);
        }
        return reply.signed(key, call.header());
    }

    /** The id of a class path: the SHA-256 of its files' hashes, in order. */
    static String classPathId(List<String> hashes) {
        return FileCache.sha256(String.join("\n", hashes).getBytes(StandardCharsets.UTF_8));
    }

    private Reply offer(MemberCall call) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(call.body()));
        long timeout = in.readLong();
        int n = in.readInt();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hashes.add(in.readUTF());
        }
        List<String> missing = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (String h : hashes) {
            Path p = files.get(h);
            if (p == null) {
                missing.add(h);
            }
            paths.add(p);
        }
        if (!missing.isEmpty()) {
            return Reply.missing(missing);
        }
        String id = classPathId(hashes);
        classPaths.put(id, List.copyOf(paths));
        if (connected(call.client())) {
            pools.acquire(new LocalPools.Key(id, timeout), paths, call.client(), false); // workers start now
        }
        return Reply.ok();
    }

    private Reply put(MemberCall call) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(call.body()));
        String hash = in.readUTF();
        files.put(hash, in.readAllBytes());
        return Reply.ok();
    }

    private Reply run(MemberCall call) throws IOException {
        JobBody job = JobBody.decode(call.body());
        List<Path> classPath = classPaths.get(job.classPath());
        if (classPath == null) {
            return Reply.failed("member " + name + " has no class path " + job.classPath() + ": it was not offered");
        }
        if (!awaitConnected(call.client())) {
            return Reply.failed("member " + name + " does not run a job of client " + call.client()
                    + ", which is not connected to it");
        }
        LocalPools.Entry pool = pools.acquire(new LocalPools.Key(job.classPath(), job.timeoutNanos()), classPath,
                call.client(), true);
        JobKey jobKey = new JobKey(call.client(), call.id());
        try {
            CompletableFuture<byte[]> answer = job.kind() == JobBody.CALL
                    ? RelayedJobs.call(pool.core, job.task())
                    : RelayedJobs.chunk(pool.core, job.task(), job.inputs(), job.count());
            running.put(jobKey, answer);
            if (!connected(call.client())) {
                answer.cancel(true); // its client went away meanwhile
            }
            return outcome(answer);
        } finally {
            running.remove(jobKey);
            pools.release(pool);
        }
    }

    private static Reply outcome(CompletableFuture<byte[]> answer) {
        try {
            return new Reply(Reply.ANSWER, answer.get());
        } catch (CancellationException e) {
            return new Reply(Reply.CANCELLED, new byte[0]);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Reply(Reply.CANCELLED, new byte[0]);
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case TaskTimeoutException t -> Reply.timeout(t);
                case WorkerDiedException d -> Reply.died(d);
                case CancellationException c -> new Reply(Reply.CANCELLED, new byte[0]);
                case Throwable t -> Reply.failed(String.valueOf(t));
            };
        }
    }

    private Reply cancel(MemberCall call) {
        CompletableFuture<byte[]> job = running.get(new JobKey(call.client(), call.id()));
        if (job != null) {
            job.cancel(true); // kills its worker
        }
        return Reply.ok();
    }

    /**
     * True once {@code client} is connected to this member: a client that has just seen this
     * member join may send through another member before its own connection here is open
     * (within 10 s); a client that disconnected is not waited for.
     */
    private boolean awaitConnected(UUID client) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!connected(client)) {
            if (gone.contains(client) || System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private boolean connected(UUID client) {
        if (gone.contains(client)) {
            return false;
        }
        HazelcastInstance hz = hazelcast;
        if (hz == null) {
            return true;
        }
        for (Client c : hz.getClientService().getConnectedClients()) {
            if (c.getUuid().equals(client)) {
                return true;
            }
        }
        return false;
    }

    private Set<UUID> connected() {
        Set<UUID> all = new HashSet<>();
        HazelcastInstance hz = hazelcast;
        if (hz != null) {
            for (Client c : hz.getClientService().getConnectedClients()) {
                all.add(c.getUuid());
            }
        }
        all.removeAll(gone);
        return all;
    }

    private void clientGone(UUID client) {
        gone.add(client);
        int killed = 0;
        for (var e : running.entrySet()) {
            if (e.getKey().client().equals(client) && e.getValue().cancel(true)) {
                killed++;
            }
        }
        if (killed > 0) {
            LOG.log(System.Logger.Level.INFO, "client " + client + " disconnected: killed its " + killed
                    + " running job(s)");
        }
        pools.clientGone(client, connected());
    }

    /** The process ids of the workers of every local pool. */
    List<Long> workerPids() {
        return pools.workerPids();
    }

    /** Kills every job and every local pool. */
    void close() {
        reaper.shutdownNow();
        for (CompletableFuture<byte[]> f : running.values()) {
            f.cancel(true);
        }
        pools.closeAll();
        files.close();
    }
}
