package dev.multiproc.internal.io;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes read from a pipe, kept as a list of chunks that the pipe is read straight into.
 * Chunks grow from 64 KiB to 16 MiB, so a large output is never copied while it arrives.
 * A {@link #snapshot} shares the chunks: later reads only write past what it covers.
 */
public final class ByteSink {
    private static final int FIRST_CHUNK = 64 * 1024;
    private static final int LARGEST_CHUNK = 16 * 1024 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[0];
    private int used;
    private long size;

    /** Free space at the end of the current chunk (a new chunk if it is full), to read into. */
    MemorySegment free() {
        if (used == current.length) {
            if (current.length > 0) {
                full.add(current);
            }
            current = new byte[Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, current.length * 2))];
            used = 0;
        }
        return MemorySegment.ofArray(current).asSlice(used);
    }

    /** Counts {@code n} bytes just read into {@link #free}. */
    void advance(long n) {
        used += (int) n;
        size += n;
    }

    /** What it holds now, without copying. */
    public Bytes snapshot() {
        List<byte[]> chunks = new ArrayList<>(full.size() + 1);
        int[] lengths = new int[full.size() + 1];
        for (int i = 0; i < full.size(); i++) {
            chunks.add(full.get(i));
            lengths[i] = full.get(i).length;
        }
        chunks.add(current);
        lengths[full.size()] = used;
        return new Bytes(List.copyOf(chunks), lengths, size);
    }
}
