package dev.multiproc.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The member table: one slot per process with a token that names it; a member that ends is
 * recovered for once and its slot freed, when someone watches or when the table is full.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MembersTest {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Puts {@code who} into {@code slot} as if that process had joined. */
    private static void plant(MemorySegment table, int slot, ProcessIdentity who) {
        LONG.setVolatile(table, 64L + 48L * slot, who.packed());
        ValueLayout.JAVA_INT.varHandle().setVolatile(table, 64L + 48L * slot + 16, 1);
        ValueLayout.JAVA_INT.varHandle().setVolatile(table, 8L, Math.max(slot + 1, (int) ValueLayout.JAVA_INT.varHandle().getVolatile(table, 8L)));
    }

    @Test
    void aProcessJoinsOnce_withATokenThatNamesIt_andLeavesItsSlotFree() {
        try (SharedSegment segment = SharedSegment.create("members-test", Members.bytes(8))) {
            List<Integer> recovered = new CopyOnWriteArrayList<>();
            Members members = Members.format(segment.memory(), 8, (slot, identity, token) -> recovered.add(slot));
            int epoch = members.epoch();
            int token = members.join();
            assertNotEquals(0, token);
            assertEquals(token, token & Members.TOKEN_MASK);
            assertEquals(ProcessIdentity.current(), members.memberOf(token));
            assertNotEquals(epoch, members.epoch(), "joining bumps the epoch");
            assertThrows(IllegalStateException.class, members::join);
            members.leave();
            assertEquals(List.of(Members.slotOf(token)), recovered, "what it held is given back");
            assertNull(members.memberOf(token), "the token is stale");
            Members again = Members.over(segment.memory(), (s, i, t) -> { });
            int second = again.join();
            assertEquals(Members.slotOf(token), Members.slotOf(second), "the slot is reused");
            assertNotEquals(token, second, "with another generation");
            again.leave();
        }
    }

    @Test
    void aMemberThatEnded_isRecoveredOnce_whenAWaiterWatches() throws Exception {
        Subprocess child = Command.of("sleep", "60").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        ProcessIdentity who = ProcessIdentity.of((int) child.pid()).orElseThrow();
        try (SharedSegment segment = SharedSegment.create("members-test", Members.bytes(8))) {
            List<Long> recovered = new CopyOnWriteArrayList<>();
            Members members = Members.format(segment.memory(), 8, (slot, identity, token) -> recovered.add(identity));
            members.join();
            plant(segment.memory(), 5, who);
            members.watchMembers();
            Thread.sleep(50);
            assertEquals(List.of(), recovered, "alive: nothing to do");
            child.kill();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (recovered.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of(who.packed()), recovered);
            assertEquals(0, members.identityAt(5), "its slot is free");
            members.leave();
        } finally {
            child.kill();
        }
    }

    @Test
    void aFullTable_reclaimsTheSlotsOfMembersThatEnded() {
        try (SharedSegment segment = SharedSegment.create("members-test", Members.bytes(2))) {
            List<Integer> recovered = new CopyOnWriteArrayList<>();
            Members members = Members.format(segment.memory(), 2, (slot, identity, token) -> recovered.add(slot));
            ProcessIdentity self = ProcessIdentity.current();
            plant(segment.memory(), 0, new ProcessIdentity(self.pid(), self.startTime() + 1)); // ended: its pid is ours now
            plant(segment.memory(), 1, new ProcessIdentity(self.pid(), self.startTime() + 2));
            int token = members.join();
            assertTrue(Members.slotOf(token) == 0 || Members.slotOf(token) == 1);
            assertEquals(2, recovered.size());
            members.leave();
        }
    }

    @Test
    void aTableWithNoRoomForALiveProcess_refusesWithItsLimit() {
        try (SharedSegment segment = SharedSegment.create("members-test", Members.bytes(1))) {
            Members members = Members.format(segment.memory(), 1, (slot, identity, token) -> { });
            plant(segment.memory(), 0, ProcessIdentity.of((int) ProcessHandle.current().parent().orElseThrow().pid()).orElseThrow());
            IllegalStateException e = assertThrows(IllegalStateException.class, members::join);
            assertTrue(e.getMessage().contains("at most 1 processes"), e.getMessage());
        }
    }
}
