package dev.multiproc.internal.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

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
 * A frame of a task's channel is a type byte, a payload length (a big-endian int) and the
 * payload. The parent sends one {@link #TASK} frame: a {@link TaskHeader} followed by the
 * serialized task. The child answers with one {@link #RESULT} (the serialized value) or one
 * {@link #FAILURE} ({@link RemoteFailure}), then exits. The reply's payload begins with the
 * {@link TaskHeader#key} the parent drew at random for the task: a frame without it (a task that
 * wrote onto fd 4) is reported as a corrupted channel, and the child is killed, instead of being
 * taken for the result. A reader refuses a frame longer than the
 * receiving side's stream-size limit before it allocates anything for it, and grows its buffer
 * only as the frame's bytes arrive, so a header that announces a gigabyte costs nothing.
 *
 * <h2>Pool workers</h2>
 * A worker of a pool (a child started with {@code --worker}) runs any number of jobs, one at
 * a time, in the order they came. The parent sends one {@link #SETUP} frame ({@link WorkerSetup}),
 * then job frames ({@link #CALL}, {@link #APPLY}, {@link #CHUNK}) and the frames that manage
 * them ({@link #DEFINE}, {@link #FORGET}, {@link #SKIP}); a job or a function that carries fds
 * is preceded by a {@link #CARRY} frame, its fds going over a Unix socket ({@link
 * #FDS_SOCKET_FD}). The worker answers {@link #READY}
 * once its initializer ran (or {@link #INIT_FAILED}), then exactly one frame per job: {@link
 * #RESULT}, {@link #FAILURE} or {@link #CHUNK_RESULT} in the jobs' order, or {@link #SKIPPED}
 * at any time. Values are encoded by {@link Values}. End of file on {@link #TO_CHILD_FD} tells a
 * worker to finish the jobs it has and exit with 0.
 *
 * <h2>A pool's frames are bound to their jobs</h2>
 * A pool's frame has a tag between its type and its length: a {@link #POOL_HEADER}-byte header.
 * A job frame's tag is the job's number (the worker's n-th job is n, from 0; other frames of
 * the parent carry {@link #NO_JOB}). Every frame of the worker carries its job's number (or
 * {@link #NO_JOB}) XOR a key the parent drew at random for that worker and sent in its SETUP.
 * The parent checks every answer against the job it expects, and a header as soon as it has
 * arrived (before any of its payload): a frame of a type it does not expect, for a job it did not
 * give, or longer than its limit means the channel is corrupted (a task that wrote to fd 4,
 * or read from fd 3), and the worker is killed. Without the key a stray frame that happened to
 * carry a plausible job number would pass; with it, one passes with a chance of about one in
 * four billion. The key guards against accidents, not against a hostile task, which runs inside
 * the worker and can do whatever the worker can.
 *
 * <h2>End of file</h2>
 * The parent keeps its end of {@link #TO_CHILD_FD} open for as long as the child lives; a warm
 * spare that reads end of file there before a task came knows its parent is gone and exits
 * (a child that runs a task watches its parent with its lifeline, {@code Lifeline}). The child's exit
 * closes {@link #FROM_CHILD_FD}; a child that ends without a reply frame is reported with its
 * exit status and the tail of its stderr.
 */
public final class Protocol {
    /** The child's descriptor for the pipe from its parent. */
    public static final int TO_CHILD_FD = 3;
    /**
     * The child's descriptor of the first fd a task carries (see {@link FdSlots}): slot n
     * arrives at {@code FIRST_CARRIED_FD + n} in a child started for that task.
     */
    public static final int FIRST_CARRIED_FD = 5;
    /** The child's descriptor for the pipe to its parent. */
    public static final int FROM_CHILD_FD = 4;
    /**
     * A pool worker's (or a warm spare's) descriptor of its end of a Unix socket from the parent,
     * over which the fds a job carries arrive ({@code SCM_RIGHTS}, see {@link #CARRY}). Neither
     * inherits an fd for a task, so the number {@link #FIRST_CARRIED_FD} is free in it.
     */
    public static final int FDS_SOCKET_FD = 5;
    /** The most fds one message on {@link #FDS_SOCKET_FD} carries (the kernel's {@code SCM_MAX_FD}). */
    public static final int MAX_FDS_PER_MESSAGE = 253;

    /** Parent to child: a {@link TaskHeader} and the serialized task. */
    public static final byte TASK = 'T';
    /** Child to parent: the serialized result. */
    public static final byte RESULT = 'R';
    /** Child to parent: why there is no result, see {@link RemoteFailure}. */
    public static final byte FAILURE = 'F';

    /** Parent to worker, first: the worker's name, filter and initializer, see {@link WorkerSetup}. */
    public static final byte SETUP = 'S';
    /** Parent to worker: a job, a serialized {@code Callable}. */
    public static final byte CALL = 'C';
    /** Parent to worker: a function for later jobs: an int id, then the serialized function. */
    public static final byte DEFINE = 'D';
    /** Parent to worker: a job, a function's id and one argument ({@link Values}). */
    public static final byte APPLY = 'A';
    /** Parent to worker: a job, a function's id, a count n and n arguments. */
    public static final byte CHUNK = 'K';
    /** Parent to worker: the function with this int id will not be used again. */
    public static final byte FORGET = 'G';
    /**
     * Parent to worker: do not run the job with this int number (the worker's n-th job, from 0)
     * if it has not started; answer it with {@link #SKIPPED}.
     */
    public static final byte SKIP = 'X';
    /**
     * Parent to worker, just before a CALL or DEFINE frame whose object carries fds: an int n,
     * the number of fds sent for it over {@link #FDS_SOCKET_FD}, in messages of at most
     * {@link #MAX_FDS_PER_MESSAGE}, before this frame was written (so they are there when it is
     * read). Its tag is the next frame's (the job's number, or {@link #NO_JOB} for a DEFINE).
     * The worker receives them as soon as it reads this frame, even for a job it will skip, so
     * that the socket stays in step with the pipe.
     */
    public static final byte CARRY = 'H';
    /** Worker to parent: set up, the initializer ran; jobs are run from now on. */
    public static final byte READY = 'Y';
    /** Worker to parent: the initializer failed ({@link RemoteFailure}); the worker exits. */
    public static final byte INIT_FAILED = 'I';
    /** Worker to parent: a chunk's answers: a count n, then n values, each maybe a {@link Values#FAILURE}. */
    public static final byte CHUNK_RESULT = 'k';
    /** Worker to parent: the job in the tag was skipped as asked (the one answer that may come out of order). */
    public static final byte SKIPPED = 'x';

    /** The length of a pool frame's header: type, tag, payload length. */
    public static final int POOL_HEADER = 9;
    /** The job number in the tag of a pool frame that belongs to no job (SETUP, READY, DEFINE...). */
    public static final int NO_JOB = -1;
    /** A task channel reads a large payload in steps of this much, growing as the bytes come. */
    private static final int READ_STEP = 1 << 16;

    private Protocol() {}

    /**
     * One frame as read.
     *
     * @param type what it is
     * @param seq the job it belongs to (a pool frame), or {@link #NO_JOB}
     * @param payload its bytes
     */
    public record Frame(byte type, int seq, byte[] payload) {
        /** A frame of a task's channel, which names no job. */
        public Frame(byte type, byte[] payload) {
            this(type, NO_JOB, payload);
        }
    }

    /** Writes one frame and flushes. */
    public static void write(DataOutputStream out, byte type, byte[] payload, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(payload, 0, length);
        out.flush();
    }

    /**
     * Writes one reply frame of a task's channel, bound to its task by {@code key} (the
     * {@link TaskHeader#key}), which goes first in the payload; flushes.
     */
    public static void writeReply(DataOutputStream out, byte type, int key, byte[] payload, int length)
            throws IOException {
        out.writeByte(type);
        out.writeInt(length + 4);
        out.writeInt(key);
        out.write(payload, 0, length);
        out.flush();
    }

    /**
     * Reads the reply frame of a task's channel and checks that it carries {@code key}: the
     * frame with the key taken off its payload, or null at a clean end of file.
     *
     * @throws CorruptFrameException if the frame is not a reply bound to this task (a task
     *     that wrote onto fd 4)
     * @throws IOException if the stream ends inside the frame, or it is too long
     */
    public static Frame readReply(DataInputStream in, int key, long maxLength) throws IOException {
        Frame frame = read(in, maxLength + 4);
        if (frame == null) {
            return null;
        }
        byte[] p = frame.payload();
        if ((frame.type() != RESULT && frame.type() != FAILURE) || p.length < 4
                || ((p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | (p[3] & 0xff)) != key) {
            throw new CorruptFrameException("the control channel was corrupted: a frame of type "
                    + (frame.type() & 0xff) + " and " + p.length + " bytes that is not the reply to this task"
                    + " (did the task write onto fd " + FROM_CHILD_FD + "?)");
        }
        return new Frame(frame.type(), Arrays.copyOfRange(p, 4, p.length));
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
        return new Frame((byte) type, readPayload(in, length));
    }

    /**
     * The {@code length} bytes of a payload, in a buffer that grows as they arrive: a peer that
     * announces more than it sends makes this JVM allocate at most twice what it sent.
     */
    private static byte[] readPayload(DataInputStream in, int length) throws IOException {
        byte[] payload = new byte[Math.min(length, READ_STEP)];
        int n = 0;
        while (n < length) {
            if (n == payload.length) {
                payload = Arrays.copyOf(payload, (int) Math.min(length, 2L * payload.length));
            }
            int r = in.read(payload, n, payload.length - n);
            if (r < 0) {
                throw new EOFException("the channel ended inside a frame: " + n + " of " + length + " bytes came");
            }
            n += r;
        }
        return payload;
    }

    /** A frame that the reader cannot accept: the channel is corrupted from there on. */
    public static class CorruptFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptFrameException(String message) {
            super(message);
        }
    }

    /** A frame longer than the reader accepts. */
    public static final class FrameTooLongException extends CorruptFrameException {
        private static final long serialVersionUID = 1L;

        FrameTooLongException(long length, long max) {
            super("a frame of " + (length < 0 ? "more than 2 GiB" : length + " bytes")
                    + " is longer than the limit of " + max + " bytes (maxbytes)");
        }
    }
}
