package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.MemberDiedException;
import dev.multiproc.MultiprocException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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
 * ({@link ClassPathOffer}) and takes jobs as soon as it has it. A job whose call never reached its
 * member (it had just joined, and the member relaying the call did not know it yet) did not run:
 * it waits here again, first in line, and the member is offered the class path again, which
 * tells when it can be reached.
 *
 * <h2>A job is decided once</h2>
 * Its member's answer, its member's death, a cancel and a shutdown may each want to decide a
 * job; whoever sets {@link ClusterJob#settled} first, under the lock, decides, and delivers the
 * outcome after the lock is released. A job counts against its member's room until the member
 * answers for it (or dies), even when it was cancelled meanwhile: until then its worker is busy.
 */
final class Dispatcher implements JobSender.Outcomes {
    private record Outcome(ClusterJob job, Throwable failure) {}

    private final HazelcastInstance client;
    private final String poolName;
    private final ClassPathOffer.Shipper shipper;
    private final Runnable onTerminated;
    private final JobSender sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SubmitterQueue queue;
    private final MemberSlots slots = new MemberSlots();
    private long nextId;
    private boolean shutdown;
    private boolean terminated;

    Dispatcher(HazelcastInstance client, ClusterKey key, String poolName, String classPathId, long timeoutNanos,
               int queueCapacity, AnswerDecoder decoder, ClassPathOffer.Shipper shipper, Runnable onTerminated) {
        this.client = client;
        this.poolName = poolName;
        this.shipper = shipper;
        this.onTerminated = onTerminated;
        this.sender = new JobSender(client, key, classPathId, timeoutNanos, decoder, this);
        this.queue = new SubmitterQueue(lock.newCondition(), queueCapacity, poolName);
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
        return sender.clientId();
    }

    long newId() {
        return locked(() -> ++nextId);
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- members

    private void added(Member m) {
        MemberSlot slot;
        lock.lock();
        try {
            slot = shutdown ? null : slots.add(m);
            if (slot == null || slot.state == MemberSlot.State.FAILED) {
                return; // known already, or not a multiproc member
            }
        } finally {
            lock.unlock();
        }
        startOffer(slot);
    }

    private void startOffer(MemberSlot slot) {
        Thread.ofVirtual().name(poolName + "-ship-" + slot.member.getAddress()).start(() -> {
            ClassPathOffer.Result result = ClassPathOffer.offer(slot, shipper, () -> stillShipping(slot));
            List<JobSender.Send> sends;
            List<Outcome> outcomes = new ArrayList<>();
            lock.lock();
            try {
                if (slot.state == MemberSlot.State.SHIPPING) {
                    slot.state = result.state();
                    slot.problem = result.problem();
                }
                failIfHopeless(outcomes);
                sends = pick();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            sender.send(sends);
            deliver(outcomes);
        });
    }

    private boolean stillShipping(MemberSlot slot) {
        return locked(() -> slot.state == MemberSlot.State.SHIPPING && slots.holds(slot));
    }

    private void removed(Member m) {
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            MemberSlot slot = slots.remove(m);
            if (slot == null) {
                return;
            }
            slot.state = MemberSlot.State.DEAD;
            for (ClusterJob job : slot.inFlight) {
                if (!job.settled) {
                    job.settled = true;
                    outcomes.add(new Outcome(job, slot.died(null)));
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

    /** Under the lock: with no member that can take jobs and one that refused or failed, the queue fails with why. */
    private void failIfHopeless(List<Outcome> outcomes) {
        RuntimeException why = slots.hopeless();
        if (why == null) {
            return;
        }
        for (ClusterJob job : queue.clear()) {
            if (!job.settled) {
                job.settled = true;
                outcomes.add(new Outcome(job, why));
            }
        }
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
                if (slots.anyReady()) {
                    return;
                }
                RuntimeException why = slots.hopeless();
                if (why != null) {
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

    List<ClusterPool.Member> members() {
        return locked(slots::views);
    }

    // ---------------------------------------------------------------- jobs

    /**
     * Queues {@code job}; waits for room first if it counts against the capacity.
     *
     * @throws RejectedExecutionException if the pool is shut down, or the wait is interrupted
     */
    void submit(ClusterJob job) {
        enqueue(() -> queue.add(job, this::rejectIfShutdown));
    }

    /** Queues the chunks of a map, which do not count against the capacity. */
    void submitAll(List<ClusterJob> chunks) {
        enqueue(() -> queue.addAll(chunks));
    }

    private void enqueue(Runnable add) {
        List<JobSender.Send> sends;
        List<Outcome> outcomes = new ArrayList<>();
        lock.lock();
        try {
            rejectIfShutdown();
            add.run();
            failIfHopeless(outcomes);
            sends = pick();
        } finally {
            lock.unlock();
        }
        sender.send(sends);
        deliver(outcomes);
    }

    private void rejectIfShutdown() {
        if (shutdown) {
            throw new RejectedExecutionException(poolName + " is shut down: it takes no new tasks");
        }
    }

    /** Gives queued jobs to the members with room, fewest running first; under the lock. */
    private List<JobSender.Send> pick() {
        List<JobSender.Send> sends = new ArrayList<>();
        while (!queue.isEmpty()) {
            MemberSlot best = slots.best();
            if (best == null) {
                break;
            }
            ClusterJob job = queue.poll();
            if (job.settled) {
                continue;
            }
            job.member = best;
            best.inFlight.add(job);
            sends.add(new JobSender.Send(job, best));
        }
        return sends;
    }

    @Override
    public boolean finish(ClusterJob job, MemberSlot slot, boolean memberGone) {
        List<JobSender.Send> sends;
        boolean mine;
        lock.lock();
        try {
            slot.inFlight.remove(job);
            if (memberGone && slot.state != MemberSlot.State.DEAD) {
                slot.state = MemberSlot.State.DEAD; // no more jobs to it; its other jobs fail as their own calls do
                slot.problem = slot.died(null);
            }
            mine = !job.settled;
            job.settled = true;
            sends = pick();
            checkTerminated();
        } finally {
            lock.unlock();
        }
        sender.send(sends);
        return mine;
    }

    @Override
    public void notReached(ClusterJob job, MemberSlot slot) {
        List<JobSender.Send> sends;
        boolean offerAgain = false;
        lock.lock();
        try {
            slot.inFlight.remove(job);
            if (!job.settled) {
                job.member = null;
                queue.putBack(job);
            }
            if (slot.state == MemberSlot.State.READY && slots.holds(slot)) {
                slot.state = MemberSlot.State.SHIPPING;
                offerAgain = true;
            }
            sends = pick();
            checkTerminated();
        } finally {
            lock.unlock();
        }
        sender.send(sends);
        if (offerAgain) {
            startOffer(slot);
        }
    }

    /**
     * Cancels {@code job}: taken back if it waits here; if it runs, only when
     * {@code mayInterrupt}, and then its member kills its worker.
     *
     * @return true if the job is cancelled now (its outcome is the caller's to set)
     */
    boolean cancel(ClusterJob job, boolean mayInterrupt) {
        MemberSlot target;
        lock.lock();
        try {
            if (job.settled) {
                return false;
            }
            target = job.member;
            if (target == null) {
                queue.remove(job);
            } else if (!mayInterrupt) {
                return false;
            }
            job.settled = true;
            checkTerminated();
        } finally {
            lock.unlock();
        }
        if (target != null) {
            sender.cancelOn(target, job);
        }
        return true;
    }

    // ---------------------------------------------------------------- shutting down

    void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            queue.wakeWaiters();
            checkTerminated();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every job; returns the originals of the tasks that had not been sent. */
    List<Object> shutdownNow() {
        List<Object> unsent = new ArrayList<>();
        List<ClusterJob> cancelled = new ArrayList<>();
        List<JobSender.Send> running = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            for (ClusterJob job : queue.clear()) {
                if (!job.settled) {
                    job.settled = true;
                    cancelled.add(job);
                    if (job.original != null) {
                        unsent.add(job.original);
                    }
                }
            }
            for (MemberSlot s : slots.all()) {
                for (ClusterJob job : s.inFlight) {
                    if (!job.settled) {
                        job.settled = true;
                        cancelled.add(job);
                        running.add(new JobSender.Send(job, s));
                    }
                }
            }
            checkTerminated();
        } finally {
            lock.unlock();
        }
        for (JobSender.Send s : running) {
            sender.cancelOn(s.slot(), s.job());
        }
        for (ClusterJob job : cancelled) {
            JobSender.failAll(job, new CancellationException(poolName + " was shut down"));
        }
        return unsent;
    }

    boolean isShutdown() {
        return locked(() -> shutdown);
    }

    boolean isTerminated() {
        return locked(() -> terminated);
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
        if (slots.running() > 0) {
            return;
        }
        terminated = true;
        changed.signalAll();
        Thread.ofVirtual().name(poolName + "-close").start(onTerminated);
    }

    private void deliver(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            JobSender.failAll(o.job(), o.failure());
        }
    }

    String describe() {
        return locked(() -> (terminated ? "terminated" : shutdown ? "shutting down" : "running") + ", "
                + slots.size() + " members, " + slots.running() + " running, " + queue.size() + " queued");
    }
}
