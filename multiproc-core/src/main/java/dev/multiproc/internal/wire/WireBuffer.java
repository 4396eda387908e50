package dev.multiproc.internal.wire;

import java.util.Arrays;

/**
 * A growable byte buffer that frames are encoded into: big-endian numbers, raw bytes, and a
 * frame's length patched in once its payload is written. Not thread-safe.
 */
public final class WireBuffer {
    private byte[] bytes;
    private int length;

    /** An empty buffer with room for {@code capacity} bytes before it grows. */
    public WireBuffer(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    /** The buffer; only the first {@link #length()} bytes are data. */
    public byte[] array() {
        return bytes;
    }

    /** How many bytes were written. */
    public int length() {
        return length;
    }

    /** Forgets what was written; keeps the buffer. */
    public void clear() {
        length = 0;
    }

    /** Cuts what was written back to its first {@code length} bytes. */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IndexOutOfBoundsException("truncate to " + length + " of " + this.length);
        }
        this.length = length;
    }

    /** Makes room for {@code extra} more bytes. */
    public void ensure(int extra) {
        if (length + extra > bytes.length) {
            long wanted = Math.max((long) bytes.length * 2, (long) length + extra);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError("a frame buffer of more than 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }

    /** Writes one byte. */
    public void put(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    /** Writes a big-endian int. */
    public void putInt(int v) {
        ensure(4);
        setInt(length, v);
        length += 4;
    }

    /** Writes a big-endian long. */
    public void putLong(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            bytes[length++] = (byte) (v >>> (8 * i));
        }
    }

    /** Writes {@code b[off, off+len)}. */
    public void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    /** Overwrites the int at {@code position}. */
    public void setInt(int position, int v) {
        bytes[position] = (byte) (v >>> 24);
        bytes[position + 1] = (byte) (v >>> 16);
        bytes[position + 2] = (byte) (v >>> 8);
        bytes[position + 3] = (byte) v;
    }

    /**
     * Starts a pool frame of {@code type} with {@code tag} (see {@link Protocol}): returns the
     * position to hand to {@link #endFrame}.
     */
    public int beginFrame(byte type, int tag) {
        put(type);
        putInt(tag);
        int at = length;
        putInt(0);
        return at;
    }

    /** Ends the frame begun at {@code lengthPosition}: writes its payload's length there. */
    public void endFrame(int lengthPosition) {
        setInt(lengthPosition, length - lengthPosition - 4);
    }

    /** Writes a whole pool frame of {@code type} with {@code tag} whose payload is {@code payload}. */
    public void frame(byte type, int tag, byte[] payload) {
        put(type);
        putInt(tag);
        putInt(payload.length);
        put(payload, 0, payload.length);
    }
}
