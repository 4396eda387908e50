package dev.multiproc.hazelcast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;

/**
 * The jobs that wait at the submitter for a member with room, oldest first. The tasks among
 * them (not a map's chunks) are bounded by the pool's {@code queueCapacity}: a submit waits for
 * room, as on a local pool. Guarded by its {@link Dispatcher}'s lock, whose condition it waits on.
 */
final class SubmitterQueue {
    private final ArrayDeque<ClusterJob> jobs = new ArrayDeque<>();
    private final Condition room;
    private final int capacity;
    private final String poolName;
    private int counted;

    SubmitterQueue(Condition room, int capacity, String poolName) {
        this.room = room;
        this.capacity = capacity;
        this.poolName = poolName;
    }

    /**
     * Queues {@code job}, waiting for room first if it counts; {@code stillOpen} is checked after
     * each wait.
     *
     * @throws RejectedExecutionException if the wait is interrupted, or as {@code stillOpen} throws
     */
    void add(ClusterJob job, Runnable stillOpen) {
        if (job.counted) {
            while (counted >= capacity) {
                try {
                    room.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException("interrupted while waiting for room in the queue of "
                            + poolName + " (queueCapacity " + capacity + ")");
                }
                stillOpen.run();
            }
            counted++;
        }
        jobs.add(job);
    }

    /** Queues a map's chunks, which do not count. */
    void addAll(List<ClusterJob> chunks) {
        jobs.addAll(chunks);
    }

    /** Puts back first a job that was taken but never reached its member. */
    void putBack(ClusterJob job) {
        if (job.counted) {
            counted++;
        }
        jobs.addFirst(job);
    }

    /** The oldest job, or null; its room is freed. */
    ClusterJob poll() {
        ClusterJob job = jobs.poll();
        if (job != null && job.counted) {
            counted--;
            room.signalAll();
        }
        return job;
    }

    /** Takes {@code job} out if it waits here. */
    void remove(ClusterJob job) {
        if (jobs.remove(job) && job.counted) {
            counted--;
            room.signalAll();
        }
    }

    /** Takes every job out, oldest first. */
    List<ClusterJob> clear() {
        List<ClusterJob> all = new ArrayList<>(jobs);
        jobs.clear();
        counted = 0;
        room.signalAll();
        return all;
    }

    /** Wakes the submits that wait for room, to see the pool shut down. */
    void wakeWaiters() {
        room.signalAll();
    }

    boolean isEmpty() {
        return jobs.isEmpty();
    }

    int size() {
        return jobs.size();
    }
}
