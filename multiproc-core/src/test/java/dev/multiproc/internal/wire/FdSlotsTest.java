package dev.multiproc.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InvalidObjectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slots, not fd numbers, travel in the bytes; a slot with no fd behind it is refused. */
class FdSlotsTest {
    @Test
    void carriedFds_getSlotsInOrder_andOneSlotPerFd() throws Exception {
        FdSlots.Collected<List<Integer>> c = FdSlots.collecting(
                () -> List.of(FdSlots.carry(17), FdSlots.carry(9), FdSlots.carry(17), FdSlots.carry(40)));
        assertEquals(List.of(0, 1, 0, 2), c.value());
        assertEquals(List.of(17, 9, 40), c.fds());
    }

    @Test
    void outsideACollection_nothingIsCarried() {
        assertEquals(FdSlots.NOT_CARRIED, FdSlots.carry(5));
    }

    @Test
    void receivedSlots_giveTheFdsThatArrived() throws Exception {
        int fd = FdSlots.receiving(new int[] {30, 31}, () -> FdSlots.received(1, "a pipe's end"));
        assertEquals(31, fd);
    }

    @Test
    void aHandleSerializedByHand_isRefusedWithAClearError() throws Exception {
        InvalidObjectException e = assertThrows(InvalidObjectException.class,
                () -> FdSlots.receiving(new int[] {30}, () -> FdSlots.received(FdSlots.NOT_CARRIED, "a queue")));
        assertTrue(e.getMessage().contains("a queue was serialized outside a task"), e.getMessage());
    }

    @Test
    void aSlotWithNoFdArrived_isRefused_neverTakenForAnFdNumberHere() {
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> FdSlots.received(0, "a lock"));
        assertTrue(e.getMessage().contains("did not arrive"), e.getMessage());
        assertThrows(InvalidObjectException.class,
                () -> FdSlots.receiving(new int[] {3}, () -> FdSlots.received(1, "a lock")));
    }

    @Test
    void collectionsNest_andEndWithTheirWork() throws Exception {
        FdSlots.Collected<FdSlots.Collected<Integer>> outer = FdSlots.collecting(() -> {
            FdSlots.carry(3);
            return FdSlots.collecting(() -> FdSlots.carry(8));
        });
        assertEquals(List.of(3), outer.fds());
        assertEquals(List.of(8), outer.value().fds());
        assertEquals(FdSlots.NOT_CARRIED, FdSlots.carry(3));
    }
}
