package dev.multiproc.internal.io;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.List;

/**
 * An immutable run of bytes held as chunks: output read from a child, handed out without
 * copying it into one array until someone asks for one.
 */
public final class Bytes {
    /** No bytes. */
    public static final Bytes EMPTY = new Bytes(List.of(), new int[0], 0);

    private final List<byte[]> chunks;
    private final int[] lengths;
    private final long size;

    Bytes(List<byte[]> chunks, int[] lengths, long size) {
        this.chunks = chunks;
        this.lengths = lengths;
        this.size = size;
    }

    /** Bytes holding {@code array} (not copied: the caller gives it up). */
    public static Bytes wrap(byte[] array) {
        return new Bytes(List.of(array), new int[] {array.length}, array.length);
    }

    /** How many bytes. */
    public long size() {
        return size;
    }

    /**
     * A new array with all the bytes.
     *
     * @throws OutOfMemoryError if they do not fit in one Java array (2 GiB)
     */
    public byte[] toArray() {
        if (size > Integer.MAX_VALUE - 16) {
            throw new OutOfMemoryError(size + " bytes do not fit in a byte[]");
        }
        byte[] all = new byte[(int) size];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            System.arraycopy(chunks.get(i), 0, all, at, lengths[i]);
            at += lengths[i];
        }
        return all;
    }

    /** The bytes decoded with {@code charset}; malformed input becomes U+FFFD. */
    public String text(Charset charset) {
        return chunks.size() == 1 && lengths[0] == chunks.getFirst().length
                ? new String(chunks.getFirst(), charset)
                : new String(toArray(), charset);
    }

    /** A stream over the bytes, without copying them. */
    public InputStream stream() {
        InputStream[] parts = new InputStream[chunks.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new ByteArrayInputStream(chunks.get(i), 0, lengths[i]);
        }
        return new SequenceInputStream(Collections.enumeration(List.of(parts)));
    }

    /** The last {@code max} bytes (all of them if fewer). */
    public byte[] tail(int max) {
        byte[] all = toArray();
        return all.length <= max ? all : java.util.Arrays.copyOfRange(all, all.length - max, all.length);
    }
}
