package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.ipc.SharedSegment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each misuse of a queue gets a typed error naming what is wrong, and leaves nothing behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessQueueBadInputTest {
    static final class NotSerializable {
    }

    record Holder(String name, Object payload) implements Serializable {}

    @Test
    void aCapacityOfZeroOrLessOrTooLarge_isRefusedNamingIt() {
        int mappings = SharedSegment.mappedCount();
        for (int capacity : new int[] {0, -1, Integer.MIN_VALUE, (1 << 24) + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessQueue.create(capacity));
            assertTrue(e.getMessage().contains(String.valueOf(capacity)) && e.getMessage().contains("16777216"),
                    e.getMessage());
        }
        for (int largest : new int[] {0, -5, (512 << 20) + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessQueue.create(1, largest));
            assertTrue(e.getMessage().contains(String.valueOf(largest)), e.getMessage());
        }
        assertEquals(mappings, SharedSegment.mappedCount(), "nothing mapped for a refused queue");
    }

    @Test
    void anObjectLargerThanTheQueueTakes_isRefusedWithTheLimitNamed() throws Exception {
        try (ProcessQueue<Object> q = ProcessQueue.create(10, 4096)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.put(new byte[100_000]));
            assertTrue(e.getMessage().contains("100005 bytes") && e.getMessage().contains(q.largestMessage() + " bytes")
                    && e.getMessage().contains("ProcessQueue.create(capacity, largestMessage)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> q.put("x".repeat(50_000), Duration.ZERO));
            assertEquals(0, q.size(), "nothing was put");
            q.put(new byte[q.largestMessage() - 5]); // the largest that fits: 5 bytes of tag and length
            assertEquals(1, q.size());
        }
    }

    @Test
    void aMessageThatCannotBeSerialized_isRefusedByPut_namingTheField() throws Exception {
        try (ProcessQueue<Object> q = ProcessQueue.create(10)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> q.put(new Holder("h", new NotSerializable())));
            assertTrue(e.getMessage().contains("field payload")
                    && e.getMessage().contains(NotSerializable.class.getName() + " is not Serializable"), e.getMessage());
            assertEquals(0, q.size());
            assertThrows(NullPointerException.class, () -> q.put(null));
            assertThrows(NullPointerException.class, () -> q.poll(null));
        }
    }

    @Test
    void useAfterClose_isATypedError_onEveryCall() {
        ProcessQueue<String> q = ProcessQueue.create(10);
        q.close();
        q.close(); // twice: nothing more
        for (ConnectionBadInputTest.Executable call : new ConnectionBadInputTest.Executable[] {
            () -> q.put("x"), () -> q.put("x", Duration.ZERO), q::take, () -> q.poll(Duration.ZERO), q::taskDone,
            q::join, q::size,
        }) {
            ObjectClosedException e = assertThrows(ObjectClosedException.class, call::run);
            assertTrue(e.getMessage().contains("ProcessQueue") && e.getMessage().contains("closed"), e.getMessage());
        }
        assertTrue(q.isClosed());
        assertTrue(q.toString().contains("closed"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmProcess.start(() -> q.take()));
        assertTrue(e.getMessage().contains("was closed in this process"), e.getMessage());
    }

    @Test
    void aThreadWaitingWhenTheQueueIsClosedHere_wakesWithATypedError() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create(10);
        CompletableFuture<Throwable> taker = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                q.take();
                taker.complete(null);
            } catch (Throwable t) {
                taker.complete(t);
            }
        });
        Thread.sleep(50);
        q.close();
        assertTrue(taker.get(20, TimeUnit.SECONDS) instanceof ObjectClosedException);
    }

    @Test
    void aQueueSerializedByHand_isRefusedWhereItIsRead() throws Exception {
        try (ProcessQueue<String> q = ProcessQueue.create(10)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(q);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                InvalidObjectException e = assertThrows(InvalidObjectException.class, in::readObject);
                assertTrue(e.getMessage().contains("serialized outside a task"), e.getMessage());
            }
            q.put("still usable");
            assertEquals(List.of(q), Multiproc.waitReady(List.of(q), Duration.ZERO));
        }
    }
}
