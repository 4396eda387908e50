package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import java.io.NotSerializableException;
import java.util.Arrays;

/**
 * The answer of a relayed job ({@link RelayedCall}, {@link RelayedChunk}) as one byte array:
 * the type of the frame a worker answers the same job with ({@link Protocol#RESULT},
 * {@link Protocol#FAILURE}, {@link Protocol#CHUNK_RESULT}), then that frame's payload, encoded
 * as a worker encodes it. Whoever submitted the job decodes it as it decodes a worker's answer.
 */
final class RelayedAnswer {
    private RelayedAnswer() {}

    /** A FAILURE answer: {@code t} as a {@link RemoteFailure} of {@code kind}. */
    static byte[] failure(RemoteFailure.Kind kind, Throwable t) {
        byte[] failure = RemoteFailure.encode(kind, t);
        byte[] answer = new byte[failure.length + 1];
        answer[0] = Protocol.FAILURE;
        System.arraycopy(failure, 0, answer, 1, failure.length);
        return answer;
    }

    /** A RESULT answer with {@code value}, or a FAILURE answer if it cannot be serialized. */
    static byte[] result(Object value) {
        WireBuffer out = new WireBuffer(64);
        out.put(Protocol.RESULT);
        try {
            Values.encode(value, out, "result");
        } catch (Serial.NotSerializable e) {
            return failure(RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, notSerializable(e));
        }
        return Arrays.copyOf(out.array(), out.length());
    }

    /** One element of a chunk's answer that failed, as a worker writes it. */
    static void elementFailure(WireBuffer out, RemoteFailure.Kind kind, Throwable t) {
        byte[] failure = RemoteFailure.encode(kind, t);
        out.put(Values.FAILURE);
        out.putInt(failure.length);
        out.put(failure, 0, failure.length);
    }

    static NotSerializableException notSerializable(Serial.NotSerializable e) {
        NotSerializableException why = new NotSerializableException(e.getMessage());
        why.initCause(e.getCause());
        return why;
    }
}
