package dev.multiproc.internal.wire;

import java.util.Arrays;

/**
 * Bytes of a pool's channel read and not yet parsed (see {@link Protocol}): whole frames are
 * taken out one by one, a frame cut by the end of a read waits for the rest. The caller reads
 * into {@link #array()} from {@link #end()} (after {@link #room}) and reports how much came with
 * {@link #filled}. Not thread-safe.
 *
 * <h2>What a header must be</h2>
 * A frame's header is checked as soon as it is here, before any of its payload: its type must
 * be one the reader expects, its length within the limit, and its job number (its tag XOR the
 * key) {@link Protocol#NO_JOB} or below the bound the caller gives. A header that fails is a
 * {@link Protocol.CorruptFrameException}: nothing after it can be trusted.
 *
 * <h2>Memory follows the bytes, not the header</h2>
 * The buffer grows only when it is full, and to at most twice its size: a frame's announced
 * length is never allocated ahead of its bytes, so a header announcing a gigabyte followed by
 * nothing costs its reader nothing. A buffer grown for a large frame shrinks back once empty.
 */
public final class FrameBuffer {
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private byte[] bytes;
    private int start;
    private int end;
    private final int capacity;
    private final long maxLength;
    private final int key;
    private final boolean[] types = new boolean[256];

    /**
     * An empty buffer of {@code capacity} bytes that accepts frames of {@code acceptedTypes} up to
     * {@code maxLength} bytes, whose tags are their job's number XOR {@code key}.
     */
    public FrameBuffer(int capacity, long maxLength, int key, byte... acceptedTypes) {
        this.capacity = capacity;
        this.bytes = new byte[capacity];
        this.maxLength = maxLength;
        this.key = key;
        for (byte type : acceptedTypes) {
            types[type & 0xff] = true;
        }
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
     * reused, and a full buffer grows (see the class comment).
     */
    public int room() {
        if (start == end && bytes.length > 4 * capacity) {
            bytes = new byte[capacity];
            start = 0;
            end = 0;
        }
        if (start > 0) {
            System.arraycopy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == bytes.length) {
            long needed = end >= Protocol.POOL_HEADER ? Protocol.POOL_HEADER + (long) length(0) : Protocol.POOL_HEADER;
            long grown = Math.min(Math.max(needed, bytes.length + 1L), 2L * bytes.length);
            bytes = Arrays.copyOf(bytes, (int) Math.min(grown, MAX_ARRAY));
        }
        return bytes.length - end;
    }

    /** Records that {@code n} bytes were read into {@link #array()} at {@link #end()}. */
    public void filled(int n) {
        end += n;
    }

    /**
     * Takes out the next whole frame, or returns null if there is none yet.
     *
     * @param seqBound job numbers at or above it are refused
     * @throws Protocol.CorruptFrameException if the next frame's header, whole or not, is not
     *     what the reader accepts (see the class comment)
     */
    public Protocol.Frame next(int seqBound) throws Protocol.CorruptFrameException {
        if (end - start < Protocol.POOL_HEADER) {
            return null;
        }
        byte type = bytes[start];
        int seq = readInt(start + 1) ^ key;
        int length = length(start);
        if (!types[type & 0xff]) {
            throw new Protocol.CorruptFrameException("a frame of unknown type " + describe(type));
        }
        if (length < 0 || length > maxLength) {
            throw new Protocol.FrameTooLongException(length, maxLength);
        }
        if (seq != Protocol.NO_JOB && (seq < 0 || seq >= seqBound)) {
            throw new Protocol.CorruptFrameException("a frame of type " + describe(type) + " for job " + seq
                    + ", where jobs 0 to " + (seqBound - 1) + " were given");
        }
        if (end - start - Protocol.POOL_HEADER < length) {
            return null;
        }
        int from = start + Protocol.POOL_HEADER;
        byte[] payload = Arrays.copyOfRange(bytes, from, from + length);
        start = from + length;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return new Protocol.Frame(type, seq, payload);
    }

    /** A frame type for a message: the character and its code. */
    public static String describe(byte type) {
        int t = type & 0xff;
        return t >= 0x20 && t < 0x7f ? "'" + (char) t + "' (" + t + ")" : Integer.toString(t);
    }

    private int length(int frameStart) {
        return readInt(frameStart + 5);
    }

    private int readInt(int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
    }
}
