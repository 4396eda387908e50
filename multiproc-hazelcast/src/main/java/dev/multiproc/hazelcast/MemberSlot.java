package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.multiproc.MemberDiedException;
import dev.multiproc.MultiprocException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A member as a pool's {@link Dispatcher} sees it: its name, how many jobs it may run at once
 * (the {@code multiproc.workers} attribute it joined with), the jobs sent to it and not yet
 * answered, and its state ({@code FAILED} at once for a member with no such attribute). Its
 * mutable fields are guarded by the dispatcher's lock.
 *
 * <h2>Gone, or not known yet</h2>
 * A call to a member can fail in two ways that name it. Its connection closed, or it left
 * ({@link #gone}): the member is taken for dead, and a job that was running there may or may
 * not have finished. Or the call was refused before it reached the member ({@link #notReached}):
 * the client had no connection of its own to the member yet (it had just joined), so Hazelcast
 * sent the call through another member, which did not know the newcomer yet. Nothing ran then,
 * and the member is not dead: it is only dead once it leaves the client's member list.
 */
final class MemberSlot {
    enum State { SHIPPING, READY, REFUSED, FAILED, DEAD }

    final Member member;
    final String name;
    final int capacity;
    final Set<ClusterJob> inFlight = new LinkedHashSet<>();
    State state = State.SHIPPING;
    RuntimeException problem;

    MemberSlot(Member member) {
        this.member = member;
        this.name = member.getAddress().getHost() + ":" + member.getAddress().getPort() + " (" + member.getUuid() + ")";
        int workers;
        try {
            workers = Integer.parseInt(member.getAttribute(HazelcastSettings.WORKERS_ATTRIBUTE));
        } catch (NumberFormatException | NullPointerException e) {
            workers = 0; // not a multiproc member: never sent a job
        }
        this.capacity = workers;
        if (workers < 1) {
            state = State.FAILED;
            problem = new MultiprocException("member " + name + " is not a multiproc member");
        }
    }

    /** True if it may be sent one more job now. */
    boolean hasRoom() {
        return state == State.READY && inFlight.size() < capacity;
    }

    /** The failure of a job that ran here when this member left. */
    MemberDiedException died(Throwable cause) {
        return new MemberDiedException("member " + name + " left the cluster while it ran this task:"
                + " whether the task finished is unknown, and it is not run again", name, cause);
    }

    /** As {@link ClusterPool#members()} reports it. */
    ClusterPool.Member view() {
        String text = state.name().toLowerCase(Locale.ROOT);
        return new ClusterPool.Member(member.getAddress().getHost() + ":" + member.getAddress().getPort(),
                member.getUuid().toString(), capacity, inFlight.size(),
                problem == null || state == State.READY ? text : text + ": " + problem.getMessage());
    }

    /** True if {@code t} says the member left or its connection closed while the call was out. */
    static boolean gone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetDisconnectedException) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code t} says the call never reached the member: the member relaying it did not know it. */
    static boolean notReached(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TargetNotMemberException) {
                return true;
            }
        }
        return false;
    }
}
