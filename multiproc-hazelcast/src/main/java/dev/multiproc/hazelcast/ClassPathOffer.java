package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import dev.multiproc.MultiprocException;
import java.util.function.BooleanSupplier;

/**
 * Offers one member this JVM's class path until it takes it, refuses the key, or cannot.
 *
 * <h2>A member that has just joined</h2>
 * This client learns of a member as soon as it joins, before this client has a connection of its
 * own to it; until then Hazelcast sends the member's calls through another member, which may not
 * know the newcomer yet either, and refuses them ({@link MemberSlot#notReached}). So a call that
 * did not reach the member is tried again every quarter second, for as long as the member is in
 * the cluster (30 s at most): it is not a failure of the member. Any other failure is tried three
 * times, 0.5 s and 1 s apart; a member whose connection closed meanwhile is dead.
 */
final class ClassPathOffer {
    /** How a member took the offer: {@code READY}, or why not. */
    record Result(MemberSlot.State state, RuntimeException problem) {}

    /** Ships this JVM's class path to a member; throws what went wrong. */
    interface Shipper {
        void shipTo(Member member);
    }

    static final int ATTEMPTS = 3;
    static final long NOT_REACHED_PAUSE_MILLIS = 250;
    static final long NOT_REACHED_NANOS = 30_000_000_000L;

    private ClassPathOffer() {}

    /** Offers the class path to {@code slot}'s member while {@code wanted} (it is still a member, still shipping). */
    static Result offer(MemberSlot slot, Shipper shipper, BooleanSupplier wanted) {
        long start = System.nanoTime();
        int failures = 0;
        while (true) {
            RuntimeException problem;
            long pause;
            try {
                shipper.shipTo(slot.member);
                return new Result(MemberSlot.State.READY, null);
            } catch (ClusterKeyException e) {
                return new Result(MemberSlot.State.REFUSED, e);
            } catch (RuntimeException e) {
                problem = e instanceof MultiprocException ? e
                        : new MultiprocException("cannot offer the class path to member " + slot.name + ": " + e, e);
                if (MemberSlot.gone(e)) {
                    return new Result(MemberSlot.State.DEAD, problem);
                }
                if (MemberSlot.notReached(e) && System.nanoTime() - start < NOT_REACHED_NANOS) {
                    pause = NOT_REACHED_PAUSE_MILLIS;
                } else if (++failures < ATTEMPTS) {
                    pause = 500L * failures;
                } else {
                    return new Result(MemberSlot.State.FAILED, problem);
                }
            }
            if (!wanted.getAsBoolean()) {
                return new Result(MemberSlot.State.FAILED, problem);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(MemberSlot.State.FAILED, problem);
            }
        }
    }
}
