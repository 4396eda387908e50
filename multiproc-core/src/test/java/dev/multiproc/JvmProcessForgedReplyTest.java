package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.StrayFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A frame a task writes onto its own channel to the parent (fd 4) is never taken for its
 * result: the reply is bound to its task, and anything else is reported as a corrupted channel.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JvmProcessForgedReplyTest {

    /** A whole RESULT frame, as a single task's reply had it before replies were bound: 999. */
    private static byte[] forgedResult() {
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
            out.writeObject(999);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] payload = serialized.toByteArray();
        byte[] frame = new byte[5 + payload.length];
        frame[0] = 'R';
        frame[1] = (byte) (payload.length >>> 24);
        frame[2] = (byte) (payload.length >>> 16);
        frame[3] = (byte) (payload.length >>> 8);
        frame[4] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 5, payload.length);
        return frame;
    }

    @Test
    void aResultFrameWrittenByTheTask_isNotItsResult() throws Exception {
        byte[] forged = forgedResult();
        for (int round = 0; round < 3; round++) {
            JvmProcess<Integer> p = JvmProcess.start(() -> {
                StrayFrames.write(forged);
                return 1;
            });
            ChildFailedException e = assertThrows(ChildFailedException.class, p::result, "round " + round);
            assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
        }
    }

    @Test
    void strayBytesBeforeTheReply_areACorruptedChannel_andTheChildIsKilled() throws Exception {
        JvmProcess<Integer> p = JvmProcess.start(() -> {
            StrayFrames.write(new byte[] {'X', 0, 0, 0, 4, 1, 2, 3, 4});
            Thread.sleep(60_000); // the parent must not wait for this
            return 1;
        });
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
        assertEquals(-9, e.exitStatus().orElseThrow().returncode(), "the child is killed: its channel cannot be trusted");
    }

    @Test
    void anOrdinaryTask_stillGetsItsResult() throws Exception {
        assertEquals(42, JvmProcess.start(() -> 42).result());
    }
}
