package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import java.io.Serializable;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A chunk of a {@code map} relayed for another JVM, as {@link RelayedCall} relays a task: the
 * function serialized and the inputs encoded ({@link Values}) by the submitting JVM. The worker
 * applies the function to each input and returns the answer it writes for a chunk of its own: a
 * {@link Protocol#CHUNK_RESULT} (each element a value or a failure), or a
 * {@link Protocol#FAILURE} if the function cannot be read.
 */
public final class RelayedChunk implements Callable<byte[]>, Serializable {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** Where the job's classes are looked up, as a worker looks up its own jobs' (the library's loader). */
    private static final ClassLoader LOADER = RelayedChunk.class.getClassLoader();

    private final byte[] function;
    private final byte[] inputs;
    private final int count;
    private final String filter;

    /**
     * A relayed chunk.
     *
     * @param function the serialized {@code Function}
     * @param inputs {@code count} inputs, one after another, each encoded by {@link Values}
     * @param count how many inputs
     * @param filter the deserialization limits the worker reads them with
     */
    public RelayedChunk(byte[] function, byte[] inputs, int count, String filter) {
        this.function = function;
        this.inputs = inputs;
        this.count = count;
        this.filter = filter;
    }

    /** Runs the chunk in this worker; returns its answer's type and payload. */
    @Override
    @SuppressWarnings("unchecked")
    public byte[] call() {
        SerialLimits limits = SerialLimits.parse(filter);
        Function<Object, Object> fn;
        try {
            fn = (Function<Object, Object>) Serial.deserialize(function, 0, function.length, limits, LOADER);
        } catch (Exception | LinkageError e) {
            return RelayedAnswer.failure(RemoteFailure.Kind.TASK_NOT_LOADED, e);
        }
        WireReader in = new WireReader(inputs);
        WireBuffer out = new WireBuffer(inputs.length + 64);
        out.put(Protocol.CHUNK_RESULT);
        out.putInt(count);
        for (int i = 0; i < count; i++) {
            Object arg;
            try {
                arg = Values.decode(in, limits, LOADER);
            } catch (Exception | LinkageError e) {
                RelayedAnswer.elementFailure(out, RemoteFailure.Kind.TASK_NOT_LOADED, e);
                continue;
            }
            Object value;
            try {
                value = fn.apply(arg);
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable t) {
                RelayedAnswer.elementFailure(out, RemoteFailure.Kind.TASK_THREW, t);
                continue;
            }
            int mark = out.length();
            try {
                Values.encode(value, out, "result");
            } catch (Serial.NotSerializable e) {
                out.truncate(mark);
                RelayedAnswer.elementFailure(out, RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE,
                        RelayedAnswer.notSerializable(e));
            }
        }
        return Arrays.copyOf(out.array(), out.length());
    }
}
