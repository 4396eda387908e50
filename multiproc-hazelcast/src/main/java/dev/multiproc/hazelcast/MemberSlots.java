package dev.multiproc.hazelcast;

import com.hazelcast.cluster.Member;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The members a pool's {@link Dispatcher} knows, by id, in the order they joined: which one gets
 * the next job, whether any can, and what to report. Guarded by the dispatcher's lock.
 */
final class MemberSlots {
    private final Map<UUID, MemberSlot> slots = new LinkedHashMap<>();

    /** The slot of a member not known yet, or null if it is. */
    MemberSlot add(Member m) {
        if (slots.containsKey(m.getUuid())) {
            return null;
        }
        MemberSlot slot = new MemberSlot(m);
        slots.put(m.getUuid(), slot);
        return slot;
    }

    /** Forgets the member; its slot, or null. */
    MemberSlot remove(Member m) {
        return slots.remove(m.getUuid());
    }

    /** True while {@code slot} is the one of a member in the cluster. */
    boolean holds(MemberSlot slot) {
        return slots.get(slot.member.getUuid()) == slot;
    }

    Collection<MemberSlot> all() {
        return slots.values();
    }

    /** The member with room and the fewest jobs running, or null. */
    MemberSlot best() {
        MemberSlot best = null;
        for (MemberSlot s : slots.values()) {
            if (s.hasRoom() && (best == null || s.inFlight.size() < best.inFlight.size())) {
                best = s;
            }
        }
        return best;
    }

    boolean anyReady() {
        for (MemberSlot s : slots.values()) {
            if (s.state == MemberSlot.State.READY) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why no member can take jobs, when none can (none is ready or getting the class path) and
     * one refused (said first) or failed; else null, as with no member at all: jobs wait for one.
     */
    RuntimeException hopeless() {
        RuntimeException why = null;
        for (MemberSlot s : slots.values()) {
            if (s.state == MemberSlot.State.READY || s.state == MemberSlot.State.SHIPPING) {
                return null;
            }
            if (s.problem != null && (why == null || s.state == MemberSlot.State.REFUSED)) {
                why = s.problem;
            }
        }
        return why;
    }

    /** How many jobs run on all of them. */
    int running() {
        int running = 0;
        for (MemberSlot s : slots.values()) {
            running += s.inFlight.size();
        }
        return running;
    }

    int size() {
        return slots.size();
    }

    List<ClusterPool.Member> views() {
        List<ClusterPool.Member> all = new ArrayList<>();
        for (MemberSlot s : slots.values()) {
            all.add(s.view());
        }
        return all;
    }
}
