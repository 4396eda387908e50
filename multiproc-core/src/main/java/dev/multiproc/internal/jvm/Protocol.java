package dev.multiproc.internal.jvm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The control channel between a parent JVM and a child JVM that runs a task.
 *
 * <h2>Channel</h2>
 * Two pipes, handed to the child at fixed descriptors: {@link #TO_CHILD_FD} (the child reads
 * what the parent writes) and {@link #FROM_CHILD_FD} (the parent reads what the child
 * writes). The child opens them as {@code /proc/self/fd/3} and {@code /proc/self/fd/4} with
 * plain {@code java.io}, so it needs no native code. Never stdout or stderr: a task that
 * prints cannot corrupt a frame. Never a network port: nothing else on the machine can reach
 * the channel.
 *
 * <h2>Frames</h2>
 * A frame is a type byte, a payload length (a big-endian int) and the payload. The parent
 * sends one {@link #TASK} frame: a {@link TaskHeader} followed by the serialized task. The
 * child answers with one {@link #RESULT} (the serialized value) or one {@link #FAILURE}
 * ({@link RemoteFailure}), then exits. A reader refuses a frame longer than the receiving
 * side's stream-size limit before it allocates anything for it.
 *
 * <h2>End of file</h2>
 * The parent keeps its end of {@link #TO_CHILD_FD} open for as long as the child lives; a warm
 * spare that reads end of file there before a task came knows its parent is gone and exits
 * (a child that runs a task watches its parent with the {@link Lifeline}). The child's exit
 * closes {@link #FROM_CHILD_FD}; a child that ends without a reply frame is reported with its
 * exit status and the tail of its stderr.
 */
public final class Protocol {
    /** The child's descriptor for the pipe from its parent. */
    public static final int TO_CHILD_FD = 3;
    /** The child's descriptor for the pipe to its parent. */
    public static final int FROM_CHILD_FD = 4;

    /** Parent to child: a {@link TaskHeader} and the serialized task. */
    public static final byte TASK = 'T';
    /** Child to parent: the serialized result. */
    public static final byte RESULT = 'R';
    /** Child to parent: why there is no result, see {@link RemoteFailure}. */
    public static final byte FAILURE = 'F';

    private Protocol() {}

    /** One frame as read. */
    public record Frame(byte type, byte[] payload) {}

    /** Writes one frame and flushes. */
    public static void write(DataOutputStream out, byte type, byte[] payload, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(payload, 0, length);
        out.flush();
    }

    /**
     * Reads one frame, or returns null at a clean end of file (before a frame began).
     *
     * @throws IOException if the stream ends inside a frame, or the frame is longer than
     *     {@code maxLength} (the message says how long)
     */
    public static Frame read(DataInputStream in, long maxLength) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > maxLength) {
            throw new FrameTooLongException(length, maxLength);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }

    /** A frame longer than the reader accepts. */
    public static final class FrameTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLongException(long length, long max) {
            super("a frame of " + (length < 0 ? "more than 2 GiB" : length + " bytes")
                    + " is longer than the limit of " + max + " bytes (maxbytes)");
        }
    }
}
