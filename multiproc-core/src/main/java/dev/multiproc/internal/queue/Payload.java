package dev.multiproc.internal.queue;

import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A message as it lies in the ring: one value in the pool's compact encoding ({@link Values}: a
 * tag, then a boxed primitive, a {@code String}, a {@code byte[]}, or Java serialization for
 * anything else). Encoded on the putter's thread before anything is claimed, so that a value
 * that cannot be serialized throws in {@code put} and leaves nothing in the queue. A large
 * {@code byte[]} is copied from the caller's array into the ring and out of it into the array
 * handed out, with no buffer between.
 */
final class Payload {
    /** A {@code byte[]} at least this long is not copied into a buffer first. */
    static final int DIRECT_BYTES = 16 * 1024;
    private static final int BYTES_PREFIX = 5;
    private static final ThreadLocal<WireBuffer> BUFFER = ThreadLocal.withInitial(() -> new WireBuffer(256));
    private static final SerialLimits LIMITS = SerialLimits.defaults();

    private final WireBuffer buffer;
    private final byte[] direct;
    private final int length;

    private Payload(WireBuffer buffer, byte[] direct, int length) {
        this.buffer = buffer;
        this.direct = direct;
        this.length = length;
    }

    /**
     * Encodes {@code value}.
     *
     * @throws IllegalArgumentException if it cannot be serialized (naming the way to what is not)
     */
    static Payload of(Object value) {
        if (value instanceof byte[] array && array.length >= DIRECT_BYTES) {
            return new Payload(null, array, BYTES_PREFIX + array.length);
        }
        WireBuffer out = BUFFER.get();
        if (out.array().length > 1 << 20) {
            out = new WireBuffer(256); // a large one is not kept for good
            BUFFER.set(out);
        }
        out.clear();
        try {
            Values.encode(value, out, "message");
        } catch (Serial.NotSerializable e) {
            throw new IllegalArgumentException("the message cannot be put in the queue: " + e.getMessage(), e);
        }
        return new Payload(out, null, out.length());
    }

    /** Its length in bytes. */
    int length() {
        return length;
    }

    /** Copies it into {@code target} ({@link #length} bytes). */
    void writeTo(MemorySegment target) {
        if (direct == null) {
            MemorySegment.copy(buffer.array(), 0, target, ValueLayout.JAVA_BYTE, 0, length);
            return;
        }
        target.set(ValueLayout.JAVA_BYTE, 0, (byte) Values.BYTES);
        target.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 1, direct.length);
        MemorySegment.copy(direct, 0, target, ValueLayout.JAVA_BYTE, BYTES_PREFIX, direct.length);
    }

    /** A copy of the bytes in {@code source}, taken out of the ring before the record is freed. */
    static byte[] copyOut(MemorySegment source) {
        return source.toArray(ValueLayout.JAVA_BYTE);
    }

    /** The large {@code byte[]} in {@code source}, copied straight out, or null if it holds something else. */
    static byte[] copyOutBytes(MemorySegment source) {
        if (source.byteSize() < DIRECT_BYTES || source.get(ValueLayout.JAVA_BYTE, 0) != (byte) Values.BYTES) {
            return null;
        }
        int n = source.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 1);
        if (n != source.byteSize() - BYTES_PREFIX) {
            return null;
        }
        return source.asSlice(BYTES_PREFIX).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * The value {@code bytes} encode.
     *
     * @throws IOException if they are not a value, or the value cannot be read here (its class is
     *     missing, the filter refuses it)
     */
    static Object decode(byte[] bytes) throws IOException {
        WireReader in = new WireReader(bytes);
        try {
            Object value = Values.decode(in, LIMITS, null);
            if (in.remaining() != 0) {
                throw new IOException(in.remaining() + " bytes after the value");
            }
            return value;
        } catch (ClassNotFoundException e) {
            throw new IOException("its class is missing here: " + e.getMessage(), e);
        }
    }
}
