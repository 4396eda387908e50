package dev.multiproc.hazelcast;

import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.multiproc.MultiprocException;
import java.util.List;
import java.util.UUID;

/**
 * Sends jobs to their members as signed {@link MemberCall}s, and turns what comes back into
 * their outcomes: the worker's answer, decoded here; a refusal; a member that died under the job
 * ({@link dev.multiproc.MemberDiedException}). Which job goes where, and whether an outcome still
 * counts, is the {@link Dispatcher}'s to say, through its {@link Outcomes}.
 */
final class JobSender {
    /** A job given to a member, to be sent once the dispatcher's lock is released. */
    record Send(ClusterJob job, MemberSlot slot) {}

    /** What the dispatcher does with a call's end. */
    interface Outcomes {
        /**
         * The member is done with {@code job}: frees its room.
         *
         * @return true if the caller decides the job's outcome (nothing else did)
         */
        boolean finish(ClusterJob job, MemberSlot slot, boolean memberGone);

        /**
         * The call never reached the member (a member relaying it did not know it yet): the job
         * waits again, and the member is offered the class path again before it gets another.
         */
        void notReached(ClusterJob job, MemberSlot slot);
    }

    private final IExecutorService jobs;
    private final IExecutorService control;
    private final ClusterKey key;
    private final UUID clientId;
    private final String classPathId;
    private final long timeoutNanos;
    private final AnswerDecoder decoder;
    private final Outcomes outcomes;

    JobSender(HazelcastInstance client, ClusterKey key, String classPathId, long timeoutNanos, AnswerDecoder decoder,
              Outcomes outcomes) {
        this.jobs = client.getExecutorService(HazelcastSettings.JOBS);
        this.control = client.getExecutorService(HazelcastSettings.CONTROL);
        this.key = key;
        this.clientId = client.getLocalEndpoint().getUuid();
        this.classPathId = classPathId;
        this.timeoutNanos = timeoutNanos;
        this.decoder = decoder;
        this.outcomes = outcomes;
    }

    UUID clientId() {
        return clientId;
    }

    /** Sends each job to its member; outside the dispatcher's lock. */
    void send(List<Send> sends) {
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

    private void answered(ClusterJob job, MemberSlot slot, byte[] header, byte[] response) {
        Reply reply = null;
        Throwable failure = null;
        try {
            reply = Reply.verifiedOrRefusal(response, key, header, slot.name);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!outcomes.finish(job, slot, false)) {
            return;
        }
        if (failure != null) {
            failAll(job, failure);
        } else {
            decoder.deliver(reply, job.count, slot.name, job.loader, job.sink);
        }
    }

    private void failed(ClusterJob job, MemberSlot slot, Throwable t) {
        if (MemberSlot.notReached(t)) {
            outcomes.notReached(job, slot);
            return;
        }
        boolean gone = MemberSlot.gone(t);
        if (!outcomes.finish(job, slot, gone)) {
            return;
        }
        failAll(job, gone ? slot.died(t)
                : new MultiprocException("the task could not be run on member " + slot.name + ": " + t, t));
    }

    /** Has {@code slot}'s member kill the worker that runs {@code job}; quietly does nothing if it is gone. */
    void cancelOn(MemberSlot slot, ClusterJob job) {
        try {
            control.submitToMember(new MemberCall(MemberCall.CANCEL, clientId, job.id, new byte[0], key), slot.member);
        } catch (RuntimeException e) {
            // the member is gone or this client is closing: the job ends with it
        }
    }

    /** Fails every element of {@code job} with {@code failure}. */
    static void failAll(ClusterJob job, Throwable failure) {
        for (int i = 0; i < job.count; i++) {
            job.sink.failure(i, failure);
        }
    }
}
