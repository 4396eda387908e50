package dev.multiproc.internal.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.wire.SerialLimits;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frames an outbox writes are the messages an inbox reads, however the bytes are cut on the way. */
class FramingTest {
    private final SerialLimits limits = SerialLimits.defaults();

    @Test
    void messagesCutAtEveryPossiblePlace_areReadWhole() throws Exception {
        byte[] large = new byte[200_000];
        new Random(3).nextBytes(large);
        List<Object> values = List.of(1, "two", new byte[] {3}, large, List.of(4, 5), 'c', "x".repeat(70_000));
        byte[] stream = frames(values);
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Inbox inbox = new Inbox(limits);
            List<Object> got = new ArrayList<>();
            int at = 0;
            while (got.size() < values.size()) {
                Object v = inbox.take(false);
                if (v != Inbox.INCOMPLETE) {
                    got.add(v);
                    continue;
                }
                MemorySegment room = inbox.room();
                int n = (int) Math.min(room.byteSize(), Math.min(stream.length - at, 1 + random.nextInt(round % 2 == 0 ? 10 : 100_000)));
                MemorySegment.copy(stream, at, room, ValueLayout.JAVA_BYTE, 0, n);
                inbox.filled(n);
                at += n;
            }
            assertEquals(stream.length, at);
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) instanceof byte[] b) {
                    assertArrayEquals(b, (byte[]) got.get(i));
                } else {
                    assertEquals(values.get(i), got.get(i));
                }
            }
            assertFalse(inbox.holdsAny());
        }
    }

    @Test
    void aLengthOutsideTheLimits_isACorruptStream() throws Exception {
        for (int length : new int[] {0, -5, Integer.MAX_VALUE}) {
            Inbox inbox = new Inbox(limits);
            feed(inbox, new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 1});
            Inbox.Corrupt e = assertThrows(Inbox.Corrupt.class, () -> inbox.take(false));
            assertTrue(e.getMessage().contains("announced " + length + " bytes"), e.getMessage());
        }
    }

    @Test
    void aMessageCutShort_isDescribed_andDropped() throws Exception {
        byte[] stream = frames(List.of("x".repeat(1000)));
        Inbox inbox = new Inbox(limits);
        feed(inbox, java.util.Arrays.copyOf(stream, 300));
        assertSame(Inbox.INCOMPLETE, inbox.take(false));
        assertTrue(inbox.holdsAny());
        assertFalse(inbox.holdsMessage());
        assertEquals("300 of " + stream.length + " bytes", inbox.partDescription());
        inbox.drop();
        assertFalse(inbox.holdsAny());
    }

    @Test
    void aMessageOverTheLimit_isRefusedBeforeAnythingIsSent() {
        Outbox outbox = new Outbox(1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> outbox.encode("y".repeat(2000)));
        assertTrue(e.getMessage().contains("over the limit of 1000 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> outbox.bytesHeader(new byte[1000]));
    }

    private byte[] frames(List<Object> values) {
        Outbox outbox = new Outbox(limits.maxBytes());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            if (v instanceof byte[] b && b.length >= Outbox.DIRECT_BYTES) {
                out.writeBytes(outbox.bytesHeader(b).clone());
                out.writeBytes(b);
            } else {
                outbox.encode(v);
                out.write(outbox.frame(), 0, outbox.frameLength());
            }
        }
        return out.toByteArray();
    }

    private static void feed(Inbox inbox, byte[] bytes) {
        MemorySegment room = inbox.room();
        MemorySegment.copy(bytes, 0, room, ValueLayout.JAVA_BYTE, 0, bytes.length);
        inbox.filled(bytes.length);
    }
}
