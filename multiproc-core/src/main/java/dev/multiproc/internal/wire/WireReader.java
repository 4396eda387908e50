package dev.multiproc.internal.wire;

import java.io.EOFException;

/** Reads big-endian numbers and byte runs from a frame's payload, checking every bound. */
public final class WireReader {
    private final byte[] bytes;
    private int position;
    private final int end;

    /** Reads {@code bytes} from start to end. */
    public WireReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /** Reads {@code bytes[offset, offset+length)}. */
    public WireReader(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
    }

    /** The payload. */
    public byte[] array() {
        return bytes;
    }

    /** Where the next read starts. */
    public int position() {
        return position;
    }

    /** How many bytes are left. */
    public int remaining() {
        return end - position;
    }

    /** Moves past {@code n} bytes, returning where they start. */
    public int skip(int n) throws EOFException {
        need(n);
        int at = position;
        position += n;
        return at;
    }

    /** The next unsigned byte, not consumed. */
    public int peek() throws EOFException {
        need(1);
        return bytes[position] & 0xff;
    }

    /** A copy of the next {@code n} bytes. */
    public byte[] getBytes(int n) throws EOFException {
        int at = skip(n);
        return java.util.Arrays.copyOfRange(bytes, at, at + n);
    }

    /** One unsigned byte. */
    public int get() throws EOFException {
        need(1);
        return bytes[position++] & 0xff;
    }

    /** A big-endian int. */
    public int getInt() throws EOFException {
        need(4);
        int v = (bytes[position] & 0xff) << 24 | (bytes[position + 1] & 0xff) << 16
                | (bytes[position + 2] & 0xff) << 8 | (bytes[position + 3] & 0xff);
        position += 4;
        return v;
    }

    /** A big-endian long. */
    public long getLong() throws EOFException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes[position++] & 0xff);
        }
        return v;
    }

    /** A length (a non-negative int) that must fit in what is left. */
    public int getLength() throws EOFException {
        int n = getInt();
        if (n < 0 || n > remaining()) {
            throw new EOFException("malformed frame: a length of " + n + " with " + remaining() + " bytes left");
        }
        return n;
    }

    private void need(int n) throws EOFException {
        if (n < 0 || end - position < n) {
            throw new EOFException("malformed frame: " + n + " bytes wanted, " + (end - position) + " left");
        }
    }
}
