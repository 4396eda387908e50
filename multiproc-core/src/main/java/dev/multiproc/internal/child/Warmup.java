package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.TaskHeader;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import dev.multiproc.internal.wire.WorkerSetup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One task's round trip done in memory, as the child does it for real: frame, header,
 * deserialization of a serializable lambda through the filter, call, serialization of the
 * result, encoding of a failure. A warm spare runs it while it waits, so the first real task
 * finds the machinery loaded, linked and warm; the AOT training run records it.
 */
final class Warmup {
    private Warmup() {}

    static void run() {
        try {
            for (int i = 0; i < 3; i++) {
                roundTrip(i);
            }
        } catch (Exception e) {
            // Warming is an optimisation only.
        }
    }

    private static void roundTrip(int i) throws Exception {
        int captured = 40 + i;
        Callable<Object> sample = (Callable<Object> & Serializable) () -> List.of("warm", captured + 2);
        Serial.Bytes task = Serial.serialize(sample, "task");
        byte[] payload = new TaskHeader("warmup", false, "", i, 0).frame(java.util.Arrays.copyOf(task.bytes(), task.length()));

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Protocol.write(new DataOutputStream(wire), Protocol.TASK, payload, payload.length);
        Protocol.Frame frame = Protocol.read(new DataInputStream(new ByteArrayInputStream(wire.toByteArray())), 1 << 20);
        TaskHeader.Parsed parsed = TaskHeader.parse(frame.payload());

        SerialLimits limits = SerialLimits.defaults();
        Callable<?> callable = (Callable<?>) Serial.deserialize(parsed.task(), 0, parsed.task().length, limits, null);
        Serial.Bytes result = Serial.serialize(callable.call(), "result");
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        Protocol.writeReply(new DataOutputStream(reply), Protocol.RESULT, i, result.bytes(), result.length());
        Protocol.Frame answer = Protocol.readReply(new DataInputStream(new ByteArrayInputStream(reply.toByteArray())),
                i, 1 << 20);
        Serial.deserialize(answer.payload(), 0, answer.payload().length, limits, null);
        RemoteFailure.encode(RemoteFailure.Kind.TASK_THREW, new IllegalStateException("warm", new UncheckedIOException(new IOException())));
        workerFrames(i);
    }

    /** What a pool's worker does besides: its frames, buffers and the compact values. */
    private static void workerFrames(int i) throws Exception {
        WireBuffer out = new WireBuffer(64);
        int at = out.beginFrame(Protocol.APPLY, i);
        out.putInt(i);
        for (Object v : new Object[] {i, (long) i, "warm", 1.5, true, null, new byte[] {1}, List.of(i)}) {
            Values.encode(v, out, "input");
        }
        out.endFrame(at);
        out.frame(Protocol.SETUP, Protocol.NO_JOB, new WorkerSetup("warmup", "", new byte[0], 0).encode());
        FrameBuffer in = new FrameBuffer(1024, 1 << 20, 0, Protocol.APPLY, Protocol.SETUP);
        int room = in.room();
        System.arraycopy(out.array(), 0, in.array(), in.end(), Math.min(room, out.length()));
        in.filled(Math.min(room, out.length()));
        Protocol.Frame frame;
        while ((frame = in.next(Integer.MAX_VALUE)) != null) {
            if (frame.type() == Protocol.APPLY) {
                WireReader r = new WireReader(frame.payload());
                r.getInt();
                while (r.remaining() > 0) {
                    Values.decode(r, SerialLimits.defaults(), null);
                }
            } else {
                WorkerSetup.decode(frame.payload());
            }
        }
    }
}
