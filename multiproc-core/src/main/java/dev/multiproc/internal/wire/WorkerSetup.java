package dev.multiproc.internal.wire;

import java.io.IOException;

/**
 * What a pool's worker needs before its first job, sent in the {@link Protocol#SETUP} frame.
 *
 * @param name the worker's name, given to the thread that runs jobs
 * @param filter the deserialization limits and patterns, see {@link SerialLimits}
 * @param initializer a serialized {@code Callable} run once before the first job, or empty
 * @param key what the worker XORs into the tag of each of its frames (see {@link Protocol})
 */
public record WorkerSetup(String name, String filter, byte[] initializer, int key) {

    /** The frame's payload. */
    public byte[] encode() {
        WireBuffer out = new WireBuffer(64 + initializer.length);
        putString(out, name);
        putString(out, filter);
        out.putInt(initializer.length);
        out.put(initializer, 0, initializer.length);
        out.putInt(key);
        return java.util.Arrays.copyOf(out.array(), out.length());
    }

    /**
     * Reads a SETUP frame's payload.
     *
     * @throws IOException if the payload is malformed
     */
    public static WorkerSetup decode(byte[] payload) throws IOException {
        WireReader in = new WireReader(payload);
        String name = getString(in);
        String filter = getString(in);
        int n = in.getLength();
        byte[] init = java.util.Arrays.copyOfRange(payload, in.skip(n), in.position());
        return new WorkerSetup(name, filter, init, in.getInt());
    }

    private static void putString(WireBuffer out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.putInt(b.length);
        out.put(b, 0, b.length);
    }

    private static String getString(WireReader in) throws IOException {
        int n = in.getLength();
        return new String(in.array(), in.skip(n), n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
