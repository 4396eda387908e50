package dev.multiproc.internal.jvm;

import java.util.Arrays;

/**
 * Bytes read from a channel and not yet parsed: whole frames are taken out one by one, a
 * frame cut by the end of a read waits for the rest. The caller reads into
 * {@link #array()} from {@link #end()} (after {@link #room}) and reports how much came with
 * {@link #filled}. Not thread-safe.
 */
public final class FrameBuffer {
    private byte[] bytes;
    private int start;
    private int end;
    private final int capacity;
    private final long maxLength;

    /**
     * An empty buffer of {@code capacity} bytes that refuses frames longer than
     * {@code maxLength}.
     */
    public FrameBuffer(int capacity, long maxLength) {
        this.capacity = capacity;
        this.bytes = new byte[capacity];
        this.maxLength = maxLength;
    }

    /** The buffer to read into, at {@link #end()}. */
    public byte[] array() {
        return bytes;
    }

    /** Where the next read goes. */
    public int end() {
        return end;
    }

    /**
     * Makes room to read into and returns how much there is: the parsed frames' space is
     * reused, and the buffer grows to hold the whole of a frame whose header is here (a
     * buffer grown for a large frame shrinks back once it is empty).
     */
    public int room() {
        if (start == end && bytes.length > 4 * capacity) {
            bytes = new byte[capacity];
        }
        if (start > 0) {
            System.arraycopy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        long needed = end >= 5 ? 5L + Math.max(0, readInt(1)) : 5;
        if (needed > bytes.length && needed <= maxLength + 5) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length)));
        }
        return bytes.length - end;
    }

    /** Records that {@code n} bytes were read into {@link #array()} at {@link #end()}. */
    public void filled(int n) {
        end += n;
    }

    /** True if part of a frame is here, waiting for the rest. */
    public boolean partial() {
        return end > start;
    }

    /**
     * Takes out the next whole frame, or returns null if there is none yet.
     *
     * @throws Protocol.FrameTooLongException if the next frame is longer than the limit
     */
    public Protocol.Frame next() throws Protocol.FrameTooLongException {
        if (end - start < 5) {
            return null;
        }
        int length = readInt(start + 1);
        if (length < 0 || length > maxLength) {
            throw new Protocol.FrameTooLongException(length, maxLength);
        }
        if (end - start - 5 < length) {
            return null;
        }
        byte type = bytes[start];
        byte[] payload = Arrays.copyOfRange(bytes, start + 5, start + 5 + length);
        start += 5 + length;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return new Protocol.Frame(type, payload);
    }

    private int readInt(int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
    }
}
