package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.ipc.SharedSegment;
import dev.multiproc.internal.ipc.Sizes;
import dev.multiproc.testing.Procs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input to the shared objects: a typed exception that names the bad value and the limit,
 * and nothing left behind (no fd, no mapping).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpcBadInputTest {
    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String... named) {
        int fds = Procs.openFdCount();
        int mapped = SharedSegment.mappedCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : named) {
            assertTrue(e.getMessage().contains(part), "\"" + e.getMessage() + "\" names " + part);
        }
        assertEquals(fds, Procs.openFdCount(), "no fd left behind");
        assertEquals(mapped, SharedSegment.mappedCount(), "no mapping left behind");
    }

    @Test
    void sizesAndLengthsOfZeroOrLess_areRefused_naming() {
        assertRefused(() -> SharedMemory.allocate(0), "0", "positive");
        assertRefused(() -> SharedMemory.allocate(-5), "-5", "positive");
        assertRefused(() -> SharedLongArray.create(0), "0", "positive");
        assertRefused(() -> SharedIntArray.create(-1), "-1", "positive");
        assertRefused(() -> SharedDoubleArray.create(0), "0", "positive");
    }

    @Test
    void sizesLargerThanTheMachine_areRefused_namingTheLimit() {
        long memory = Sizes.machineMemory();
        String limit = Long.toString(memory);
        assertRefused(() -> SharedMemory.allocate(memory + 1), Long.toString(memory + 1), limit);
        assertRefused(() -> SharedMemory.allocate(Long.MAX_VALUE), Long.toString(Long.MAX_VALUE), limit);
        if (8L * Integer.MAX_VALUE > memory) {
            assertRefused(() -> SharedLongArray.create(Integer.MAX_VALUE), Integer.toString(Integer.MAX_VALUE), limit);
            assertRefused(() -> SharedDoubleArray.create(Integer.MAX_VALUE), Integer.toString(Integer.MAX_VALUE), limit);
        }
        if (4L * Integer.MAX_VALUE > memory) {
            assertRefused(() -> SharedIntArray.create(Integer.MAX_VALUE), Integer.toString(Integer.MAX_VALUE), limit);
        }
    }

    @Test
    void permitsAndParties_outsideTheirRange_areRefused_namingTheLimit() {
        String most = Integer.toString(ProcessSemaphore.MAX_PERMITS);
        assertRefused(() -> ProcessSemaphore.create(-1), "-1", most);
        assertRefused(() -> ProcessSemaphore.create(ProcessSemaphore.MAX_PERMITS + 1),
                Integer.toString(ProcessSemaphore.MAX_PERMITS + 1), most);
        assertRefused(() -> ProcessSemaphore.bounded(0), "0", most);
        assertRefused(() -> ProcessSemaphore.bounded(-3), "-3", most);
        assertRefused(() -> ProcessBarrier.create(0), "0", Integer.toString(ProcessBarrier.MAX_PARTIES));
        assertRefused(() -> ProcessBarrier.create(-2), "-2", Integer.toString(ProcessBarrier.MAX_PARTIES));
        assertRefused(() -> ProcessBarrier.create(Integer.MAX_VALUE), Integer.toString(Integer.MAX_VALUE),
                Integer.toString(ProcessBarrier.MAX_PARTIES));
        try (ProcessSemaphore semaphore = ProcessSemaphore.bounded(2)) {
            assertRefused(() -> semaphore.acquire(3), "3", "2");
            assertRefused(() -> semaphore.acquire(0), "0");
            assertRefused(() -> semaphore.release(0), "0");
            IllegalStateException tooMany = assertThrows(IllegalStateException.class, semaphore::release);
            assertTrue(tooMany.getMessage().contains("released too many times"), tooMany.getMessage());
        }
    }

    @Test
    void anIndexOutsideAnArray_isRefused_namingIt() {
        try (SharedLongArray array = SharedLongArray.create(3)) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> array.get(3));
            assertTrue(e.getMessage().contains("3"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> array.set(-1, 0));
        }
    }

    @Test
    void unlockByAProcessThatDoesNotHoldTheLock_isRefusedAsLockRefusesIt() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); ProcessLock reentrant = ProcessLock.reentrant()) {
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
            assertThrows(IllegalMonitorStateException.class, reentrant::unlock);
            lock.lock();
            String inChild = JvmProcess.start(() -> {
                try {
                    lock.unlock();
                    return "unlocked";
                } catch (IllegalMonitorStateException e) {
                    return e.getMessage();
                }
            }).result();
            assertTrue(inChild.contains("not held by this process"), inChild);
            assertTrue(lock.isLocked());
            lock.unlock();
        }
    }

    /** Every kind of handle, for the checks that apply to them all. */
    private static List<AutoCloseable> oneOfEach() {
        ProcessLock lock = ProcessLock.create();
        return List.of(SharedMemory.allocate(4096), SharedLongArray.create(2), SharedIntArray.create(2),
                SharedDoubleArray.create(2), lock, ProcessLock.reentrant(), lock.newCondition(),
                ProcessSemaphore.create(1), ProcessSemaphore.bounded(1), ProcessEvent.create(), ProcessBarrier.create(2));
    }

    @Test
    void aHandleSerializedByHand_isRefusedWhereItIsRead_hereAndInAChildThatNeverGotItsFds() throws Exception {
        List<AutoCloseable> handles = oneOfEach();
        try {
            java.util.ArrayList<byte[]> all = new java.util.ArrayList<>();
            for (AutoCloseable handle : handles) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(handle);
                }
                byte[] serialized = bytes.toByteArray();
                all.add(serialized);
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
                    InvalidObjectException e = assertThrows(InvalidObjectException.class, in::readObject, handle.toString());
                    assertTrue(e.getMessage().contains("serialized outside a task"), e.getMessage());
                }
            }
            List<String> inChild = JvmProcess.start(() -> {
                java.util.ArrayList<String> messages = new java.util.ArrayList<>();
                for (byte[] serialized : all) {
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
                        messages.add("read as " + in.readObject());
                    } catch (InvalidObjectException e) {
                        messages.add(e.getMessage());
                    }
                }
                return messages;
            }).result();
            assertEquals(handles.size(), inChild.size());
            for (int i = 0; i < handles.size(); i++) {
                assertTrue(inChild.get(i).contains("serialized outside a task"), handles.get(i) + ": " + inChild.get(i));
            }
        } finally {
            for (AutoCloseable handle : handles) {
                handle.close();
            }
        }
    }

    @Test
    void aNamedBlock_withABadName_isRefused() {
        assertRefused(() -> SharedMemory.create("a/b", 4096), "a/b");
        assertRefused(() -> SharedMemory.create("", 4096), "\"\"");
        assertRefused(() -> SharedMemory.create("ok", 0), "0");
    }
}
