package dev.multiproc.hazelcast;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of a {@link MemberCall#RUN}: which class path and task timeout the job needs (so which
 * of the member's local pools runs it), and the job as its submitter encoded it: a serialized
 * task ({@link #CALL}), or a serialized function and {@code count} encoded inputs ({@link #CHUNK}).
 *
 * @param classPath the id of a class path offered before
 * @param timeoutNanos the task timeout, or 0 for none
 * @param kind {@link #CALL} or {@link #CHUNK}
 * @param task the serialized task, or the serialized function
 * @param inputs the encoded inputs of a chunk, or empty
 * @param count how many inputs
 */
record JobBody(String classPath, long timeoutNanos, byte kind, byte[] task, byte[] inputs, int count) {
    static final byte CALL = 'c';
    static final byte CHUNK = 'k';

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(task.length + inputs.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(classPath);
            out.writeLong(timeoutNanos);
            out.writeByte(kind);
            out.writeInt(task.length);
            out.write(task);
            out.writeInt(count);
            out.writeInt(inputs.length);
            out.write(inputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The body in {@code bytes}.
     *
     * @throws IOException if it is malformed
     */
    static JobBody decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        String classPath = in.readUTF();
        long timeout = in.readLong();
        byte kind = in.readByte();
        byte[] task = in.readNBytes(length(in, bytes.length));
        int count = in.readInt();
        byte[] inputs = in.readNBytes(length(in, bytes.length));
        if (kind != CALL && kind != CHUNK) {
            throw new IOException("unknown job kind " + kind);
        }
        return new JobBody(classPath, timeout, kind, task, inputs, count);
    }

    private static int length(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("a malformed job: a length of " + n);
        }
        return n;
    }
}
