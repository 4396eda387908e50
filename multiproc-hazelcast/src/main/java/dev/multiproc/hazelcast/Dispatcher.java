package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.multiproc.MemberDiedException;
import dev.multiproc.MultiprocException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The submitter's side of a cluster pool: its queue, the members it knows, and which job runs
 * where.
 *
 * <h2>The queue stays here</h2>
 * A member is sent no more jobs than it has workers (its {@code multiproc.workers} attribute),
 * so that every job sent to a member starts at once. A job waits here until a member has room;
 * the member with the fewest jobs running gets it. So when a member dies, the only jobs lost
 * are those that were running there: each fails with a {@link MemberDiedException} naming the
 * member, none is sent again (whether it finished is unknown: running it twice is worse), and the
 * jobs still here go to the other members. A member that joins is offered this JVM's class path
 * and takes jobs as soon as it has it.
 *
 * <h2>A job is decided once</h2>
 * Its member's answer, its member's death, a cancel and a shutdown may each want to decide a
 * job; whoever sets {@link ClusterJob#settled} first, under the lock, decides, and delivers the
 * outcome after the lock is released. A job counts against its member's room until the member
 * answers for it (or dies), even when it was cancelled meanwhile: until then its worker is busy.
 */
final class Dispatcher {
    enum State { SHIPPING, READY, REFUSED, FAILED, DEAD }

    /** A member as this pool sees it. Guarded by the lock. */
    static final class Slot {
        final Member member;
        final String name;
        final int capacity;
        final Set<ClusterJob> inFlight = new LinkedHashSet<>();
        State state = State.SHIPPING;
        RuntimeException problem;

        Slot(Member member) {
            this.member = member;
            this.name = member.getAddress().getHost() + ":" + member.getAddress().getPort() + " (" + member.getUuid()
                    + ")";
            int workers;
            try {
                workers = Integer.parseInt(member.getAttribute(HazelcastSettings.WORKERS_ATTRIBUTE));
            } catch (NumberFormatException | NullPointerException e) {
                workers = 0; // not a multiproc member: never sent a job
            }
            this.capacity = workers;
        }
    }

    /** One member as {@link ClusterPool#members()} reports it. */
    record MemberView(String address, String id, int workers, int running, String state) {}

    private record Send(ClusterJob job, Slot slot) {}

    private record Outcome(ClusterJob job, Throwable failure) {}

    /** Ships this JVM's class path to a member; throws what went wrong. */
    interface Shipper {
        void shipTo(Member member);
    }

    private final HazelcastInstance client;
    private final IExecutorService jobs;
    private final IExecutorService control;
    private final ClusterKey key;
    private final UUID clientId;
    private final String poolName;
    private final String classPathId;
    private final long timeoutNanos;
    private final int queueCapacity;
    private final AnswerDecoder decoder;
    private final Shipper shipper;
    private final Runnable onTerminated;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ClusterJob> queue = new ArrayDeque<>();
    private final Map<UUID, Slot> slots = new LinkedHashMap<>();
    private int counted;
    private long nextId;
    private boolean shutdown;
    private boolean terminated;

    Dispatcher(HazelcastInstance client, ClusterKey key, String poolName, String classPathId, long timeoutNanos,
               int queueCapacity, AnswerDecoder decoder, Shipper shipper, Runnable onTerminated) {
        this.client = client;
        this.jobs = client.getExecutorService(HazelcastSettings.JOBS);
        this.control = client.getExecutorService(HazelcastSettings.CONTROL);
        this.key = key;
        this.clientId = client.getLocalEndpoint().getUuid();
        this.poolName = poolName;
        this.classPathId = classPathId;
        this.timeoutNanos = timeoutNanos;
        this.queueCapacity = queueCapacity;
        this.decoder = decoder;
        this.shipper = shipper;
        this.onTerminated = onTerminated;
    }

    /** Starts following the cluster's members, and offers each this JVM's class path. */
    void start() {
        client.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                added(event.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                removed(event.getMember());
            }
        });
        for (Member m : client.getCluster().getMembers()) {
            added(m);
        }
    }

    UUID clientId() {
        return clientId;
    }

    long newId() {
        lock.lock();
        try {
            return ++nextId;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- members

    private void added(Member m) {
        Slot slot;
        lock.lock();
        try {
            if (slots.containsKey(m.getUuid()) || shutdown) {
                return;
            }
            slot = new Slot(m);
            slots.put(m.getUuid(), slot);
            if (slot.capacity < 1) {
                slot.state = State.FAILED;
                slot.problem = new MultiprocException("member " + slot.name + " is not a multiproc member");
                return;
            }
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name(poolName + "-ship-" + m.getAddress()).start(() -> ship(slot));
    }

    private void ship(Slot slot) {
        State next = State.READY;
        RuntimeException problem = null;
        for (int attempt = 1; ; attempt++) {
            try {
                shipper.shipTo(slot.member);
                next = State.READY;
                problem = null;
                break;
            } catch (ClusterKeyException e) {
                next = State.REFUSED;
                problem = e;
                break;
            } catch (RuntimeException e) {
                next = memberGone(e) ? State.DEAD : State.FAILED;
                problem = e instanceof MultiprocException ? e
                        : new MultiprocException("cannot offer the class path to member " + slot.name + ": " + e, e);
            }
            if (next == State.DEAD || attempt == 3 || !stillShipping(slot)) {
                break;
            }
            try {
                Thread.sleep(500L * attempt); // a member that has just joined may not be reachable yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Send> sends;
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            if (slot.state == State.SHIPPING) {
                slot.state = next;
                slot.problem = problem;
            }
            failIfHopeless(outcomes);
            sends = pick();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        send(sends);
        deliver(outcomes);
    }

    private boolean stillShipping(Slot slot) {
        lock.lock();
        try {
            return slot.state == State.SHIPPING && slots.get(slot.member.getUuid()) == slot;
        } finally {
            lock.unlock();
        }
    }

    private void removed(Member m) {
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            Slot slot = slots.remove(m.getUuid());
            if (slot == null) {
                return;
            }
            slot.state = State.DEAD;
            for (ClusterJob job : slot.inFlight) {
                if (!job.settled) {
                    job.settled = true;
                    outcomes.add(new Outcome(job, died(slot, null)));
                }
            }
            slot.inFlight.clear();
            checkTerminated();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        deliver(outcomes);
    }

    private static MemberDiedException died(Slot slot, Throwable cause) {
        return new MemberDiedException("member " + slot.name + " left the cluster while it ran this task:"
                + " whether the task finished is unknown, and it is not run again", slot.name, cause);
    }

    /** With no member that can take jobs and at least one that refused or failed: the queue fails with why. */
    private void failIfHopeless(List<Outcome> outcomes) {
        RuntimeException why = null;
        for (Slot s : slots.values()) {
            if (s.state == State.READY || s.state == State.SHIPPING) {
                return;
            }
            if (s.problem != null && (why == null || s.state == State.REFUSED)) {
                why = s.problem;
            }
        }
        if (why == null) {
            return; // no member at all: the jobs wait for one
        }
        for (ClusterJob job : queue) {
            if (!job.settled) {
                job.settled = true;
                outcomes.add(new Outcome(job, why));
            }
        }
        queue.clear();
        counted = 0;
        room.signalAll();
        checkTerminated();
    }

    /**
     * Waits until a member is ready for jobs, or every member refused or failed, or
     * {@code nanos} passed.
     *
     * @throws ClusterKeyException if every member refused this pool's key
     * @throws MultiprocException if every member failed otherwise
     */
    void awaitFirstMember(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                boolean waiting = false;
                RuntimeException why = null;
                for (Slot s : slots.values()) {
                    if (s.state == State.READY) {
                        return;
                    }
                    waiting |= s.state == State.SHIPPING;
                    if (s.problem != null && (why == null || s.state == State.REFUSED)) {
                        why = s.problem;
                    }
                }
                if (!waiting && why != null) {
                    throw why;
                }
                if (nanos <= 0) {
                    return;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    List<MemberView> members() {
        lock.lock();
        try {
            List<MemberView> all = new ArrayList<>();
            for (Slot s : slots.values()) {
                String state = s.state.name().toLowerCase(java.util.Locale.ROOT);
                all.add(new MemberView(s.member.getAddress().getHost() + ":" + s.member.getAddress().getPort(),
                        s.member.getUuid().toString(), s.capacity, s.inFlight.size(),
                        s.problem == null || s.state == State.READY ? state : state + ": " + s.problem.getMessage()));
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- jobs

    /**
     * Queues {@code job}; waits for room first if it counts against the capacity.
     *
     * @throws RejectedExecutionException if the pool is shut down, or the wait is interrupted
     */
    void submit(ClusterJob job) {
        List<Send> sends;
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            rejectIfShutdown();
            if (job.counted) {
                while (counted >= queueCapacity) {
                    try {
                        room.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while waiting for room in the queue of "
                                + poolName + " (queueCapacity " + queueCapacity + ")");
                    }
                    rejectIfShutdown();
                }
                counted++;
            }
            queue.add(job);
            failIfHopeless(outcomes);
            sends = pick();
        } finally {
            lock.unlock();
        }
        send(sends);
        deliver(outcomes);
    }

    /** Queues the chunks of a map, which do not count against the capacity. */
    void submitAll(List<ClusterJob> chunks) {
        List<Send> sends;
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            rejectIfShutdown();
            queue.addAll(chunks);
            failIfHopeless(outcomes);
            sends = pick();
        } finally {
            lock.unlock();
        }
        send(sends);
        deliver(outcomes);
    }

    private void rejectIfShutdown() {
        if (shutdown) {
            throw new RejectedExecutionException(poolName + " is shut down: it takes no new tasks");
        }
    }

    /** Gives queued jobs to the members with room, fewest running first; under the lock. */
    private List<Send> pick() {
        List<Send> sends = new ArrayList<>();
        while (!queue.isEmpty()) {
            Slot best = null;
            for (Slot s : slots.values()) {
                if (s.state == State.READY && s.inFlight.size() < s.capacity
                        && (best == null || s.inFlight.size() < best.inFlight.size())) {
                    best = s;
                }
            }
            if (best == null) {
                break;
            }
            ClusterJob job = queue.poll();
            if (job.counted) {
                counted--;
                room.signalAll();
            }
            if (job.settled) {
                continue;
            }
            job.member = best;
            best.inFlight.add(job);
            sends.add(new Send(job, best));
        }
        return sends;
    }

    private void send(List<Send> sends) {
        for (Send s : sends) {
            ClusterJob job = s.job();
            byte[] body = new JobBody(classPathId, timeoutNanos, job.kind, job.task, job.inputs, job.count).encode();
            MemberCall call = new MemberCall(MemberCall.RUN, clientId, job.id, body, key);
            byte[] header = call.header();
            try {
                jobs.submitToMember(call, s.slot().member, new ExecutionCallback<byte[]>() {
                    @Override
                    public void onResponse(byte[] response) {
                        answered(job, s.slot(), header, response);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        failed(job, s.slot(), t);
                    }
                });
            } catch (RuntimeException e) {
                failed(job, s.slot(), e);
            }
        }
    }

    private void answered(ClusterJob job, Slot slot, byte[] header, byte[] response) {
        Reply reply = null;
        Throwable failure = null;
        try {
            reply = Reply.verifiedOrRefusal(response, key, header, slot.name);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean mine = finish(job, slot, false);
        if (!mine) {
            return;
        }
        if (failure != null) {
            for (int i = 0; i < job.count; i++) {
                job.sink.failure(i, failure);
            }
        } else {
            decoder.deliver(reply, job.count, slot.name, job.loader, job.sink);
        }
    }

    private void failed(ClusterJob job, Slot slot, Throwable t) {
        boolean gone = memberGone(t);
        if (!finish(job, slot, gone)) {
            return;
        }
        Throwable failure = gone ? died(slot, t)
                : new MultiprocException("the task could not be run on member " + slot.name + ": " + t, t);
        for (int i = 0; i < job.count; i++) {
            job.sink.failure(i, failure);
        }
    }

    /** The member is done with {@code job}: frees its room; true if the caller decides the job. */
    private boolean finish(ClusterJob job, Slot slot, boolean memberGone) {
        List<Send> sends;
        boolean mine;
        lock.lock();
        try {
            slot.inFlight.remove(job);
            if (memberGone && slot.state != State.DEAD) {
                slot.state = State.DEAD; // no more jobs to it; its other jobs fail as their own calls do
                slot.problem = died(slot, null);
            }
            mine = !job.settled;
            job.settled = true;
            sends = pick();
            checkTerminated();
        } finally {
            lock.unlock();
        }
        send(sends);
        return mine;
    }

    static boolean memberGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetDisconnectedException
                    || c instanceof TargetNotMemberException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Cancels {@code job}: taken back if it waits here; if it runs, only when
     * {@code mayInterrupt}, and then its member kills its worker.
     *
     * @return true if the job is cancelled now (its outcome is the caller's to set)
     */
    boolean cancel(ClusterJob job, boolean mayInterrupt) {
        Slot target;
        lock.lock();
        try {
            if (job.settled) {
                return false;
            }
            target = job.member;
            if (target == null) {
                queue.remove(job);
                if (job.counted) {
                    counted--;
                    room.signalAll();
                }
            } else if (!mayInterrupt) {
                return false;
            }
            job.settled = true;
            checkTerminated();
        } finally {
            lock.unlock();
        }
        if (target != null) {
            cancelOn(target, job);
        }
        return true;
    }

    private void cancelOn(Slot slot, ClusterJob job) {
        try {
            control.submitToMember(new MemberCall(MemberCall.CANCEL, clientId, job.id, new byte[0], key), slot.member);
        } catch (RuntimeException e) {
            // the member is gone or this client is closing: the job ends with it
        }
    }

    // ---------------------------------------------------------------- shutting down

    void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            room.signalAll();
            checkTerminated();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every job; returns the originals of the tasks that had not been sent. */
    List<Object> shutdownNow() {
        List<Object> unsent = new ArrayList<>();
        List<ClusterJob> cancelled = new ArrayList<>();
        List<Send> running = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            for (ClusterJob job : queue) {
                if (!job.settled) {
                    job.settled = true;
                    cancelled.add(job);
                    if (job.original != null) {
                        unsent.add(job.original);
                    }
                }
            }
            queue.clear();
            counted = 0;
            for (Slot s : slots.values()) {
                for (ClusterJob job : s.inFlight) {
                    if (!job.settled) {
                        job.settled = true;
                        cancelled.add(job);
                        running.add(new Send(job, s));
                    }
                }
            }
            room.signalAll();
            checkTerminated();
        } finally {
            lock.unlock();
        }
        for (Send s : running) {
            cancelOn(s.slot(), s.job());
        }
        for (ClusterJob job : cancelled) {
            for (int i = 0; i < job.count; i++) {
                job.sink.failure(i, new CancellationException(poolName + " was shut down"));
            }
        }
        return unsent;
    }

    boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    boolean isTerminated() {
        lock.lock();
        try {
            return terminated;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (!terminated) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: once shut down with nothing queued or running, the pool has ended. */
    private void checkTerminated() {
        if (!shutdown || terminated || !queue.isEmpty()) {
            return;
        }
        for (Slot s : slots.values()) {
            if (!s.inFlight.isEmpty()) {
                return;
            }
        }
        terminated = true;
        changed.signalAll();
        Thread.ofVirtual().name(poolName + "-close").start(onTerminated);
    }

    private void deliver(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            for (int i = 0; i < o.job().count; i++) {
                o.job().sink.failure(i, o.failure());
            }
        }
    }

    String describe() {
        lock.lock();
        try {
            int running = 0;
            for (Slot s : slots.values()) {
                running += s.inFlight.size();
            }
            return (terminated ? "terminated" : shutdown ? "shutting down" : "running") + ", " + slots.size()
                    + " members, " + running + " running, " + queue.size() + " queued";
        } finally {
            lock.unlock();
        }
    }
}
