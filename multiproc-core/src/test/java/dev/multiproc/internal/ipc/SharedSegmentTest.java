package dev.multiproc.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.Procs;
import dev.multiproc.internal.wire.FdSlots;
import java.io.InvalidObjectException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shared segment is a memory file mapped once per process: zeroed, unmapped with its last
 * handle, recognised by its inode when it arrives again, refused when the fd that arrives is not it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedSegmentTest {
    @Test
    void aNewSegment_isZeroed_sharedThroughItsFd_andGoneWithItsLastHandle() throws Exception {
        int fdsBefore = Procs.openFdCount();
        int mappedBefore = SharedSegment.mappedCount();
        SharedSegment segment = SharedSegment.create("test", 10_000);
        assertEquals(10_000, segment.size());
        MemorySegment memory = segment.memory();
        assertEquals(0L, memory.get(ValueLayout.JAVA_LONG, 9_992));
        memory.set(ValueLayout.JAVA_LONG, 8, 42L);
        assertTrue(Files.readSymbolicLink(Path.of("/proc/self/fd/" + segment.fd())).toString().contains("memfd:multiproc-test"));
        assertEquals(Fds.FD_CLOEXEC, Fds.fcntl(segment.fd(), Fds.F_GETFD, 0) & Fds.FD_CLOEXEC);

        SharedSegment second = segment.share();
        segment.close();
        assertEquals(42L, second.memoryUnchecked().get(ValueLayout.JAVA_LONG, 8), "the mapping stays while a handle does");
        assertThrows(IllegalStateException.class, segment::memory);
        second.close();
        second.close();
        assertThrows(IllegalStateException.class, () -> memory.get(ValueLayout.JAVA_LONG, 8), "unmapped: no fault, an exception");
        assertEquals(mappedBefore, SharedSegment.mappedCount());
        assertEquals(fdsBefore, Procs.openFdCount());
    }

    @Test
    void aFormThatArrivesForASegmentMappedHere_takesTheSameMapping_andClosesItsFd() throws Exception {
        SharedSegment segment = SharedSegment.create("again", 4096);
        try {
            FdSlots.Collected<SharedSegment.Form> sent = FdSlots.collecting(segment::form);
            int arrived = Fds.fcntl(segment.fd(), Fds.F_DUPFD_CLOEXEC, 100); // as if passed to us anew
            int fdsBefore = Procs.openFdCount();
            SharedSegment received = FdSlots.receiving(new int[] {arrived}, () -> sent.value().resolve("a test segment"));
            assertEquals(fdsBefore - 1, Procs.openFdCount(), "the duplicate fd is closed");
            assertEquals(segment.memory().address(), received.memory().address(), "mapped once");
            received.close();
            assertFalse(segment.isClosed());
        } finally {
            segment.close();
        }
    }

    @Test
    void aFormWhoseFdIsAnotherFile_isRefused_neverMapped() throws Exception {
        SharedSegment segment = SharedSegment.create("one", 4096);
        SharedSegment other = SharedSegment.create("other", 4096);
        try {
            FdSlots.Collected<SharedSegment.Form> sent = FdSlots.collecting(segment::form);
            InvalidObjectException e = assertThrows(InvalidObjectException.class,
                    () -> FdSlots.receiving(new int[] {other.fd()}, () -> sent.value().resolve("a test segment")));
            assertTrue(e.getMessage().contains("is not its shared segment"), e.getMessage());
            assertNotEquals(segment.inode(), other.inode());
        } finally {
            segment.close();
            other.close();
        }
    }

    @Test
    void aFormSerializedOutsideATask_isRefused() {
        SharedSegment segment = SharedSegment.create("by-hand", 4096);
        try {
            SharedSegment.Form form = segment.form();
            assertEquals(FdSlots.NOT_CARRIED, form.slot());
            assertThrows(InvalidObjectException.class, () -> form.resolve("a test segment"));
        } finally {
            segment.close();
        }
    }

    @Test
    void theObjectOfAProcess_isBuiltOnce() {
        SharedSegment segment = SharedSegment.create("canonical", 4096);
        Object first = segment.canonical(Object.class, s -> new Object());
        SharedSegment again = segment.share();
        assertSame(first, again.canonical(Object.class, s -> new Object()));
        assertTrue(again.isClosed(), "the second handle is closed: the object holds its own");
        segment.detach(first);
        segment.close();
        assertEquals(0, SharedSegment.mappedCount() - SharedSegment.mappedCount());
    }

    @Test
    void badSizesAndNames_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("x", 0));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("x", -1));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.createNamed("a/b", 10));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.createNamed("", 10));
    }

    @Test
    void aNamedSegment_staysUntilUnlinked() {
        String name = "multiproc-test-" + ProcessHandle.current().pid();
        SharedSegment created = SharedSegment.createNamed(name, 8192);
        try {
            created.memory().set(ValueLayout.JAVA_INT, 100, 7);
            assertThrows(IllegalStateException.class, () -> SharedSegment.createNamed(name, 8192));
            created.close();
            assertTrue(Files.exists(Path.of("/dev/shm", name)));
            try (SharedSegment opened = SharedSegment.openNamed(name)) {
                assertEquals(8192, opened.size());
                assertEquals(7, opened.memory().get(ValueLayout.JAVA_INT, 100));
            }
        } finally {
            SharedSegment.unlinkNamed(name);
        }
        assertFalse(Files.exists(Path.of("/dev/shm", name)));
        assertThrows(IllegalStateException.class, () -> SharedSegment.openNamed(name));
    }
}
