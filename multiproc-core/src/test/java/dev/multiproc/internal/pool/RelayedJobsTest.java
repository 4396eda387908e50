package dev.multiproc.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.SerializableFunction;
import dev.multiproc.Task;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool given jobs as another JVM's bytes answers with the worker's own answer bytes, which
 * decode as a local pool's answers do; its workers get the class path it was given.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayedJobsTest {
    private static final List<String> THIS_CLASS_PATH = List.of(System.getProperty("java.class.path")
            .split(File.pathSeparator));

    private static byte[] bytes(Object o) throws Exception {
        Serial.Bytes b = Serial.serialize(o, "test");
        return Arrays.copyOf(b.bytes(), b.length());
    }

    private static WireReader payload(byte[] answer) {
        return new WireReader(answer, 1, answer.length - 1);
    }

    @Test
    void aTask_answersWithTheWorkersResultOrFailureBytes() throws Exception {
        PoolCore pool = RelayedJobs.start("relayed", 1, List.of(), THIS_CLASS_PATH, null);
        try {
            int n = 20;
            byte[] answer = RelayedJobs.call(pool, bytes((Task<Integer>) () -> n + 1)).get();
            assertEquals(Protocol.RESULT, answer[0]);
            assertEquals(21, Values.decode(payload(answer), SerialLimits.defaults(), null));

            answer = RelayedJobs.call(pool, bytes((Task<Integer>) () -> {
                throw new IllegalStateException("relayed");
            })).get();
            assertEquals(Protocol.FAILURE, answer[0]);
            RemoteFailure f = RemoteFailure.decode(Arrays.copyOfRange(answer, 1, answer.length));
            assertEquals(RemoteFailure.Kind.TASK_THREW, f.kind());
            assertEquals(IllegalStateException.class.getName(), f.className());
            assertEquals("relayed", f.message());

            WireBuffer inputs = new WireBuffer(64);
            for (int i = 1; i <= 3; i++) {
                Values.encode(i, inputs, "input");
            }
            SerializableFunction<Integer, Integer> square = x -> x * x;
            answer = RelayedJobs.chunk(pool, bytes(square), Arrays.copyOf(inputs.array(), inputs.length()), 3).get();
            assertEquals(Protocol.CHUNK_RESULT, answer[0]);
            WireReader in = payload(answer);
            assertEquals(3, in.getInt());
            for (int i = 1; i <= 3; i++) {
                assertEquals(i * i, Values.decode(in, SerialLimits.defaults(), null));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theWorkersGetTheGivenClassPath_notThisJvms() throws Exception {
        PoolCore pool = RelayedJobs.start("relayed-bare", 1, List.of(), List.of(), null);
        try {
            byte[] answer = RelayedJobs.call(pool, bytes((Task<String>) () -> "from the test classes")).get();
            assertEquals(Protocol.FAILURE, answer[0]);
            RemoteFailure f = RemoteFailure.decode(Arrays.copyOfRange(answer, 1, answer.length));
            assertEquals(RemoteFailure.Kind.TASK_NOT_LOADED, f.kind());
            assertTrue(f.message() == null || !f.message().isEmpty(), String.valueOf(f.message()));
        } finally {
            pool.shutdownNow();
        }
    }
}
