package dev.multiproc.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.HostileStreams;
import dev.multiproc.pooltesting.ThrowsWhenRead;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectStreamConstants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default deserialization limits: a few hundred bytes cannot make the reader allocate
 * gigabytes, a 64 MiB {@code byte[]} still passes, and what a stream's classes throw while it is
 * read (an {@link Error} included) comes out as an exception.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialLimitsTest {
    private static Object read(byte[] bytes) throws Exception {
        return Serial.deserialize(bytes, 0, bytes.length, SerialLimits.defaults(), null);
    }

    private static byte[] write(Object value) throws Exception {
        Serial.Bytes bytes = Serial.serialize(value, "value");
        return java.util.Arrays.copyOf(bytes.bytes(), bytes.length());
    }

    @Test
    void nestedArraysOf2To28Elements_areRefused_beforeTheFirstIsAllocated() {
        byte[] stream = HostileStreams.nestedArrayStream(8, 1 << 28);
        assertTrue(stream.length < 400, stream.length + " bytes");
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> read(stream));
        assertTrue(e.getMessage().contains("rejected by the deserialization filter"), e.getMessage());
        assertTrue(e.getMessage().contains("array elements"), e.getMessage());
    }

    @Test
    void arraysAnnouncingMoreElementsThanTheStreamHasBytes_areRefused_evenSmallOnes() {
        // 100 nested arrays of 1,000 elements in 4 KiB: 100,000 elements announced
        byte[] stream = HostileStreams.nestedArrayStream(100, 1000);
        assertThrows(InvalidClassException.class, () -> read(stream));
    }

    @Test
    void aByteArrayAnnouncedLongerThanItsStream_isRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(ObjectStreamConstants.STREAM_MAGIC);
            out.writeShort(ObjectStreamConstants.STREAM_VERSION);
            out.writeByte(ObjectStreamConstants.TC_ARRAY);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF("[B");
            out.writeLong(java.io.ObjectStreamClass.lookup(byte[].class).getSerialVersionUID());
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            out.writeShort(0);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_NULL);
            out.writeInt(200_000_000);
            out.write(new byte[16]);
        }
        assertThrows(InvalidClassException.class, () -> read(bytes.toByteArray()));
    }

    @Test
    void a64MiBByteArray_passesTheDefaults() throws Exception {
        byte[] big = new byte[64 << 20];
        big[big.length - 1] = 42;
        Object[] holder = {big, "and a string"};
        Object[] back = (Object[]) read(write(holder));
        assertArrayEquals(big, (byte[]) back[0]);
        assertEquals("and a string", back[1]);
    }

    @Test
    void collectionsThatSizeTheirOwnTables_passTheBudget() throws Exception {
        List<Object> maps = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            maps.add(new HashMap<>(Map.of(i, i)));
        }
        IdentityHashMap<Object, Object> identity = new IdentityHashMap<>();
        for (int i = 0; i < 5000; i++) {
            identity.put(new Object[0], null);
        }
        HashMap<Integer, Integer> large = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            large.put(i, i);
        }
        Object[] all = {maps, identity, large, new ArrayList<>(large.keySet())};
        Object[] back = (Object[]) read(write(all));
        assertEquals(maps, back[0]);
        assertEquals(5000, ((IdentityHashMap<?, ?>) back[1]).size());
        assertEquals(large, back[2]);
    }

    @Test
    void anErrorThrownWhileReading_comesOutAsUnreadable_withTheErrorAsCause() throws Exception {
        byte[] stream = write(new ThrowsWhenRead());
        Serial.Unreadable e = assertThrows(Serial.Unreadable.class, () -> read(stream));
        assertInstanceOf(AssertionError.class, e.getCause());
    }
}
