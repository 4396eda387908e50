package dev.multiproc.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * What the child needs besides the task, sent in the {@link Protocol#TASK} frame rather than on
 * its command line so that a warm spare, started before the task was known, can take it.
 *
 * @param name the process's name, for people
 * @param survivesParent true if the child keeps running when its parent dies
 * @param filter the deserialization limits and patterns, see {@link SerialLimits}
 * @param key a number the parent drew at random for this task, which the child's reply carries
 *     (see {@link Protocol}: a reply is bound to its task)
 * @param carried how many fds the task carries, inherited at {@link Protocol#FIRST_CARRIED_FD}
 *     and up (see {@link FdSlots})
 */
public record TaskHeader(String name, boolean survivesParent, String filter, int key, int carried) {

    /** The child's fds for the task's slots 0, 1, ...: where they were inherited. */
    public int[] carriedFds() {
        int[] fds = new int[carried];
        for (int i = 0; i < carried; i++) {
            fds[i] = Protocol.FIRST_CARRIED_FD + i;
        }
        return fds;
    }

    /** The payload of a TASK frame: this header, then {@code task}. */
    public byte[] frame(byte[] task) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(task.length + 64 + name.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(name);
            out.writeBoolean(survivesParent);
            out.writeUTF(filter);
            out.writeInt(key);
            out.writeInt(carried);
            out.writeInt(task.length);
            out.write(task);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A TASK frame's payload split into its header and the task's bytes. */
    public record Parsed(TaskHeader header, byte[] task) {}

    /**
     * Splits a TASK frame's payload into its header and the task's bytes.
     *
     * @throws IOException if the payload is malformed
     */
    public static Parsed parse(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        TaskHeader header = new TaskHeader(in.readUTF(), in.readBoolean(), in.readUTF(), in.readInt(), in.readInt());
        int length = in.readInt();
        int start = payload.length - in.available();
        if (length != payload.length - start) {
            throw new IOException("malformed task frame: " + length + " task bytes announced, "
                    + (payload.length - start) + " present");
        }
        return new Parsed(header, Arrays.copyOfRange(payload, start, payload.length));
    }
}
