package dev.multiproc.hazelcast;

import dev.multiproc.ChildFailedException;
import dev.multiproc.MultiprocException;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.RemoteThrowable;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireReader;
import java.io.EOFException;
import java.util.concurrent.CancellationException;

/**
 * Reads a member's {@link Reply} at the submitter as a local pool reads its worker's answer, with
 * the same classes ({@link Values}, {@link RemoteFailure}, the filter of {@link SerialLimits}):
 * a value, or the task's own exception (class, message, causes, the worker's stack), or a
 * {@link ChildFailedException} when that class is missing here; and the member's own failures
 * (a worker's death, a timeout, a refusal) as the pool's exceptions.
 */
final class AnswerDecoder {
    /** Where a decoded outcome goes. */
    interface Sink {
        void value(int element, Object value);

        void failure(int element, Throwable failure);
    }

    private final SerialLimits limits;

    AnswerDecoder(SerialLimits limits) {
        this.limits = limits;
    }

    /**
     * Delivers {@code reply}, the outcome of a job of {@code count} elements (1 for a task)
     * that ran on {@code member}, to {@code sink}: each element once.
     */
    void deliver(Reply reply, int count, String member, ClassLoader loader, Sink sink) {
        Throwable all;
        try {
            all = switch (reply.status()) {
                case Reply.ANSWER -> {
                    answer(reply.content(), count, member, loader, sink);
                    yield null;
                }
                case Reply.DIED -> reply.toDied(member);
                case Reply.TIMEOUT -> reply.toTimeout(member);
                case Reply.CANCELLED -> new CancellationException("cancelled on member " + member);
                case Reply.REFUSED -> new ClusterKeyException(reply.message());
                case Reply.FAILED -> new MultiprocException(reply.message());
                default -> new MultiprocException("member " + member + " answered with status " + (char) reply.status());
            };
        } catch (RuntimeException e) {
            all = new MultiprocException("the answer of member " + member + " cannot be read: " + e, e);
        }
        if (all != null) {
            for (int i = 0; i < count; i++) {
                sink.failure(i, all);
            }
        }
    }

    private void answer(byte[] answer, int count, String member, ClassLoader loader, Sink sink) {
        if (answer.length == 0) {
            throw new MultiprocException("member " + member + " sent an empty answer");
        }
        String where = "a worker of member " + member;
        WireReader in = new WireReader(answer, 1, answer.length - 1);
        switch (answer[0]) {
            case Protocol.RESULT -> {
                try {
                    sink.value(0, Values.decode(in, limits, loader));
                } catch (Throwable t) {
                    sink.failure(0, notDeserialized(where, t));
                }
            }
            case Protocol.FAILURE -> {
                Throwable failure;
                try {
                    failure = failure(RemoteFailure.decode(in.getBytes(in.remaining())), where, loader);
                } catch (Throwable t) {
                    failure = unreadable(where, t);
                }
                for (int i = 0; i < count; i++) {
                    sink.failure(i, failure);
                }
            }
            case Protocol.CHUNK_RESULT -> chunk(in, count, where, loader, sink);
            default -> throw new MultiprocException(where + " answered with frame type " + answer[0]);
        }
    }

    /** As a local pool reads a chunk: an element that cannot be read fails alone; a broken chunk fails from there on. */
    private void chunk(WireReader in, int count, String where, ClassLoader loader, Sink sink) {
        Throwable broken = null;
        try {
            int n = in.getInt();
            if (n != count) {
                broken = new MultiprocException(where + " answered " + n + " elements for a chunk of " + count);
            }
        } catch (Throwable t) {
            broken = unreadable(where, t);
        }
        for (int i = 0; i < count; i++) {
            Object value = null;
            Throwable failure = broken;
            if (failure == null) {
                try {
                    if (in.peek() == Values.FAILURE) {
                        in.get();
                        failure = failure(RemoteFailure.decode(in.getBytes(in.getLength())), where, loader);
                    } else {
                        value = Values.decode(in, limits, loader);
                    }
                } catch (EOFException | Values.MalformedException e) {
                    broken = unreadable(where, e);
                    failure = broken;
                } catch (Throwable t) {
                    failure = notDeserialized(where, t);
                }
            }
            if (failure != null) {
                sink.failure(i, failure);
            } else {
                sink.value(i, value);
            }
        }
    }

    /** The task's own exception when it can be rebuilt here, else a {@link ChildFailedException} saying what happened. */
    private Throwable failure(RemoteFailure f, String where, ClassLoader loader) {
        Throwable cause = f.toThrowable(limits, loader);
        String remote = f.message() == null ? f.className() : f.className() + ": " + f.message();
        return switch (f.kind()) {
            case TASK_THREW -> cause instanceof RemoteThrowable
                    ? new ChildFailedException("the task failed in " + where + ": " + remote, f.className(), null, "",
                            cause)
                    : cause;
            case TASK_NOT_LOADED -> new ChildFailedException(where + " cannot load the task (is its class on the"
                    + " class path this JVM shipped?): " + remote, f.className(), null, "", cause);
            case RESULT_NOT_SERIALIZABLE -> new ChildFailedException("the result of the task in " + where
                    + " cannot be sent back: " + remote, f.className(), null, "", cause);
        };
    }

    private static MultiprocException unreadable(String where, Throwable t) {
        return new MultiprocException("the answer of " + where + " cannot be read in this JVM: " + t, t);
    }

    private static MultiprocException notDeserialized(String where, Throwable t) {
        return new MultiprocException("the result of a task in " + where + " cannot be deserialized in this JVM: "
                + t, t);
    }
}
