package dev.multiproc.pooltesting;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Bytes a task writes onto its worker's channel to the pool (fd 4), as a task that opens the
 * wrong descriptor would: what the pool must notice instead of taking for an answer.
 */
public final class StrayFrames {
    /** The worker's descriptor for the pipe to its pool. */
    private static final int TO_POOL_FD = 4;
    private static final byte RESULT = 'R';
    private static final byte INT = 1;

    private StrayFrames() {}

    /** Writes {@code bytes} onto the worker's channel to the pool. */
    public static void write(byte[] bytes) {
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/" + TO_POOL_FD)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A whole RESULT frame holding the int {@code value}, with a header of a type byte and a
     * length; then, when {@code tag} is not null, with that int between them (the header a
     * pool's answer has when it names its job).
     */
    public static byte[] resultFrame(int value, Integer tag) {
        byte[] payload = {INT, (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return frame(RESULT, tag, payload.length, payload);
    }

    /** The header alone of a RESULT frame that announces {@code length} bytes, and no payload. */
    public static byte[] resultHeader(int length, Integer tag) {
        return frame(RESULT, tag, length, new byte[0]);
    }

    private static byte[] frame(byte type, Integer tag, int length, byte[] payload) {
        int header = tag == null ? 5 : 9;
        byte[] frame = new byte[header + payload.length];
        frame[0] = type;
        int at = 1;
        if (tag != null) {
            putInt(frame, at, tag);
            at += 4;
        }
        putInt(frame, at, length);
        System.arraycopy(payload, 0, frame, header, payload.length);
        return frame;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
