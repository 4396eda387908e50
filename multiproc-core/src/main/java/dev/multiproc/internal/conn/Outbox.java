package dev.multiproc.internal.conn;

import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;

/**
 * Encodes a message into the frame {@link Inbox} reads (see there), on the sender's thread and
 * before a byte is written, so that a message that cannot be serialized throws in {@code send}
 * and leaves nothing in the pipe. Not thread-safe: the end's send lock guards it.
 */
final class Outbox {
    /** A {@code byte[]} at least this long is written from the caller's array, not copied. */
    static final int DIRECT_BYTES = 16 * 1024;

    private final WireBuffer buffer = new WireBuffer(256);
    private final long maxBytes;
    private final byte[] bytesHeader = new byte[Inbox.BYTES_HEADER];

    Outbox(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The frame of {@code value}, in {@link #frame()} up to {@link #frameLength()}.
     *
     * @throws IllegalArgumentException if the value cannot be serialized (the message names the
     *     way to what is not serializable) or its frame is over the limit
     */
    void encode(Object value) {
        buffer.clear();
        buffer.putInt(0);
        try {
            Values.encode(value, buffer, "message");
        } catch (Serial.NotSerializable e) {
            buffer.clear();
            throw new IllegalArgumentException("the message cannot be sent: " + e.getMessage(), e);
        }
        int length = buffer.length() - 4;
        checkLength(length);
        buffer.setInt(0, length);
    }

    /** The frame encoded last. */
    byte[] frame() {
        return buffer.array();
    }

    /** Its length. */
    int frameLength() {
        return buffer.length();
    }

    /**
     * The header of a frame whose body is {@code array} as a {@code byte[]}: the array itself is
     * written after it, uncopied.
     *
     * @throws IllegalArgumentException if the frame is over the limit
     */
    byte[] bytesHeader(byte[] array) {
        long length = 5L + array.length;
        checkLength(length);
        setInt(bytesHeader, 0, (int) length);
        bytesHeader[4] = (byte) Values.BYTES;
        setInt(bytesHeader, 5, array.length);
        return bytesHeader;
    }

    private void checkLength(long length) {
        if (length > maxBytes) {
            throw new IllegalArgumentException("a message of " + length + " bytes is over the limit of " + maxBytes
                    + " bytes a connection carries (maxbytes)");
        }
    }

    private static void setInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
