package dev.multiproc.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guard: excludes threads, and a holder that ended in the middle of a change has the change
 * undone by whoever takes the guard over; a change it finished is kept.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuardTest {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long GUARD = 0;
    private static final long VALUE_A = 64;
    private static final long VALUE_B = 68;
    private static final long TABLE = 128;

    /** A member that ended (its pid is ours now, with another start time) in slot 3, and its token. */
    private static int plantEndedMember(MemorySegment memory) {
        ProcessIdentity self = ProcessIdentity.current();
        long slot = TABLE + 64 + 48L * 3;
        LONG.setVolatile(memory, slot, new ProcessIdentity(self.pid(), self.startTime() + 7).packed());
        INT.setVolatile(memory, slot + 16, 5);
        INT.setVolatile(memory, TABLE + 8, 4);
        return (5 << 10) | 3;
    }

    /** What a holder that ended leaves: the guard held, {@code saved} saved, the mark {@code valid}, the values changed. */
    private static void leaveHalfDone(MemorySegment memory, int token, boolean valid) {
        INT.setVolatile(memory, GUARD, token);
        INT.set(memory, GUARD + 16, (int) VALUE_A);
        INT.set(memory, GUARD + 20, 10);
        INT.set(memory, GUARD + 24, (int) VALUE_B);
        INT.set(memory, GUARD + 28, 20);
        INT.set(memory, GUARD + 8, 2);
        INT.setVolatile(memory, GUARD + 4, valid ? 1 : 0);
        INT.setVolatile(memory, VALUE_A, 11); // changed
        INT.setVolatile(memory, VALUE_B, 20); // not yet
    }

    @Test
    void aHolderThatEndedMidChange_hasItsChangeUndone() {
        try (SharedSegment segment = SharedSegment.create("guard-test", TABLE + Members.bytes(8))) {
            MemorySegment memory = segment.memory();
            Members members = Members.format(memory.asSlice(TABLE, Members.bytes(8)), 8, (s, i, t) -> { });
            members.join();
            int ended = plantEndedMember(memory);
            INT.setVolatile(memory, VALUE_A, 10);
            INT.setVolatile(memory, VALUE_B, 20);
            leaveHalfDone(memory, ended, true);
            Guard guard = new Guard(memory, GUARD, members);
            guard.lock();
            assertTrue(guard.heldHere());
            assertEquals(10, (int) INT.getVolatile(memory, VALUE_A), "undone");
            assertEquals(20, (int) INT.getVolatile(memory, VALUE_B));
            guard.unlock();
            assertEquals(0, (int) INT.getVolatile(memory, GUARD));
            members.leave();
        }
    }

    @Test
    void aHolderThatEndedAfterItsChange_keepsIt() {
        try (SharedSegment segment = SharedSegment.create("guard-test", TABLE + Members.bytes(8))) {
            MemorySegment memory = segment.memory();
            Members members = Members.format(memory.asSlice(TABLE, Members.bytes(8)), 8, (s, i, t) -> { });
            members.join();
            int ended = plantEndedMember(memory);
            leaveHalfDone(memory, ended, false);
            Guard guard = new Guard(memory, GUARD, members);
            guard.lock();
            assertEquals(11, (int) INT.getVolatile(memory, VALUE_A), "kept: the mark was cleared, the change complete");
            guard.unlock();
            members.leave();
        }
    }

    @Test
    void threadsUnderTheGuard_neverOverlap() throws Exception {
        try (SharedSegment segment = SharedSegment.create("guard-test", TABLE + Members.bytes(8))) {
            MemorySegment memory = segment.memory();
            Members members = Members.format(memory.asSlice(TABLE, Members.bytes(8)), 8, (s, i, t) -> { });
            members.join();
            Guard guard = new Guard(memory, GUARD, members);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Runnable work = () -> {
                    for (int i = 0; i < 5_000; i++) {
                        guard.lock();
                        guard.save(VALUE_A);
                        guard.begin();
                        INT.setVolatile(memory, VALUE_A, (int) INT.getVolatile(memory, VALUE_A) + 1);
                        guard.unlock();
                    }
                };
                threads.add(t % 2 == 0 ? Thread.ofVirtual().start(work) : Thread.ofPlatform().start(work));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(30_000, (int) INT.getVolatile(memory, VALUE_A));
            members.leave();
        }
    }
}
