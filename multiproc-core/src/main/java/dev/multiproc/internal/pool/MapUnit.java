package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;

/** Elements {@code [from, from+count)} of a map call: one APPLY frame, or one CHUNK frame. */
final class MapUnit extends Unit {
    final MapCall call;
    final int from;
    final int count;

    MapUnit(MapCall call, int from, int count) {
        this.call = call;
        this.from = from;
        this.count = count;
    }

    @Override
    void encode(WireBuffer out, Worker worker) {
        if (worker.define(call)) {
            if (call.fds != null) {
                int carry = out.beginFrame(Protocol.CARRY, Protocol.NO_JOB); // its fds were sent: see Worker.give
                out.putInt(call.fds.count());
                out.endFrame(carry);
            }
            int at = out.beginFrame(Protocol.DEFINE, Protocol.NO_JOB);
            out.putInt(call.fnId);
            out.put(call.function, 0, call.function.length);
            out.endFrame(at);
        }
        int start = call.offsets[from];
        int end = call.offsets[from + count];
        if (call.chunked) {
            int at = out.beginFrame(Protocol.CHUNK, seq);
            out.putInt(call.fnId);
            out.putInt(count);
            out.put(call.args, start, end - start);
            out.endFrame(at);
        } else {
            int at = out.beginFrame(Protocol.APPLY, seq);
            out.putInt(call.fnId);
            out.put(call.args, start, end - start);
            out.endFrame(at);
        }
    }

    @Override
    Carried carriedFor(Worker worker) {
        return call.fds != null && !worker.functions.containsKey(call.fnId) ? call.fds : null;
    }

    @Override
    int elements() {
        return count;
    }

    @Override
    boolean answeredBy(byte type) {
        return type == (call.chunked ? Protocol.CHUNK_RESULT : Protocol.RESULT) || type == Protocol.FAILURE;
    }
}
