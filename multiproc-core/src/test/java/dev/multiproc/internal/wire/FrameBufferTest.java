package dev.multiproc.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool channel's frames are parsed whatever way their bytes are cut, a header is judged as
 * soon as it is whole, and memory follows the bytes that came, never the length announced.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameBufferTest {
    private static final int KEY = 0x5eed_1234;
    private static final byte[] TYPES = {Protocol.RESULT, Protocol.READY};

    /** Feeds {@code bytes} in pieces of {@code step}, collecting the frames, with job numbers below {@code bound}. */
    private static List<Protocol.Frame> feed(FrameBuffer in, byte[] bytes, int length, int step, int bound)
            throws Protocol.CorruptFrameException {
        List<Protocol.Frame> frames = new ArrayList<>();
        int at = 0;
        while (at < length) {
            int room = in.room();
            int n = Math.min(Math.min(room, step), length - at);
            System.arraycopy(bytes, at, in.array(), in.end(), n);
            in.filled(n);
            at += n;
            Protocol.Frame f;
            while ((f = in.next(bound)) != null) {
                frames.add(f);
            }
        }
        return frames;
    }

    @Test
    void frames_comeOutWhole_withTheirJobNumbers_howeverTheBytesAreCut() throws Exception {
        WireBuffer out = new WireBuffer(64);
        out.frame(Protocol.READY, KEY ^ Protocol.NO_JOB, new byte[0]);
        for (int seq = 0; seq < 50; seq++) {
            byte[] payload = new byte[seq * 37 + 1];
            payload[payload.length / 2] = (byte) seq;
            out.frame(Protocol.RESULT, KEY ^ seq, payload);
        }
        for (int step : new int[] {1, 2, 7, 9, 100, 1 << 20}) {
            List<Protocol.Frame> frames = feed(new FrameBuffer(16, 1 << 20, KEY, TYPES), out.array(), out.length(), step, 50);
            assertEquals(51, frames.size(), "step " + step);
            assertEquals(Protocol.NO_JOB, frames.getFirst().seq());
            for (int seq = 0; seq < 50; seq++) {
                Protocol.Frame f = frames.get(seq + 1);
                assertEquals(Protocol.RESULT, f.type());
                assertEquals(seq, f.seq());
                assertEquals(seq * 37 + 1, f.payload().length);
                assertEquals((byte) seq, f.payload()[f.payload().length / 2]);
            }
        }
    }

    @Test
    void aHeaderAnnouncingOneGiB_growsTheBufferOnlyAsItsBytesCome() throws Exception {
        FrameBuffer in = new FrameBuffer(1 << 16, 1L << 31, KEY, TYPES);
        WireBuffer header = new WireBuffer(16);
        header.put(Protocol.RESULT);
        header.putInt(KEY ^ 3);
        header.putInt(1 << 30);
        assertTrue(feed(in, header.array(), header.length(), 1 << 20, 4).isEmpty());
        byte[] chunk = new byte[1 << 16];
        long fed = header.length();
        for (int i = 0; i < 64; i++) { // 4 MiB of the gigabyte
            assertTrue(feed(in, chunk, chunk.length, chunk.length, 4).isEmpty());
            fed += chunk.length;
            assertTrue(in.array().length <= 2 * fed + (1 << 16),
                    "a buffer of " + in.array().length + " bytes for " + fed + " bytes fed");
        }
    }

    @Test
    void aHeaderForAJobNotGiven_isRefused_beforeItsPayloadCame() throws Exception {
        WireBuffer header = new WireBuffer(16);
        header.put(Protocol.RESULT);
        header.putInt(KEY ^ 7);
        header.putInt(1000);
        FrameBuffer in = new FrameBuffer(64, 1 << 20, KEY, TYPES);
        Protocol.CorruptFrameException e = assertThrows(Protocol.CorruptFrameException.class,
                () -> feed(in, header.array(), header.length(), 3, 7));
        assertTrue(e.getMessage().contains("job 7"), e.getMessage());
        // the key matters: the same number without it is refused too
        WireBuffer plain = new WireBuffer(16);
        plain.put(Protocol.RESULT);
        plain.putInt(0);
        plain.putInt(4);
        assertThrows(Protocol.CorruptFrameException.class,
                () -> feed(new FrameBuffer(64, 1 << 20, KEY, TYPES), plain.array(), plain.length(), 9, 1));
    }

    @Test
    void aHeaderOfAnUnknownType_orOverTheLimit_isRefused() {
        WireBuffer unknown = new WireBuffer(16);
        unknown.put('Q');
        unknown.putInt(KEY ^ 0);
        unknown.putInt(1);
        Protocol.CorruptFrameException e = assertThrows(Protocol.CorruptFrameException.class,
                () -> feed(new FrameBuffer(64, 1 << 20, KEY, TYPES), unknown.array(), unknown.length(), 9, 1));
        assertTrue(e.getMessage().contains("'Q'"), e.getMessage());

        WireBuffer tooLong = new WireBuffer(16);
        tooLong.put(Protocol.RESULT);
        tooLong.putInt(KEY ^ 0);
        tooLong.putInt((1 << 20) + 1);
        Protocol.FrameTooLongException t = assertThrows(Protocol.FrameTooLongException.class,
                () -> feed(new FrameBuffer(64, 1 << 20, KEY, TYPES), tooLong.array(), tooLong.length(), 9, 1));
        assertTrue(t.getMessage().contains("1048577"), t.getMessage());
    }

    @Test
    void aPartialHeader_waits() throws Exception {
        FrameBuffer in = new FrameBuffer(64, 1 << 20, KEY, TYPES);
        byte[] part = {Protocol.RESULT, 0, 0};
        assertTrue(feed(in, part, part.length, 3, 1).isEmpty());
        assertNull(in.next(1));
    }

    @Test
    void aTaskChannelPayload_isReadAsItComes_andAFrameCutShortIsAnError() throws Exception {
        byte[] wire = {Protocol.RESULT, 0x40, 0, 0, 0, 1, 2, 3}; // announces 1 GiB, holds 3 bytes
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(wire));
        java.io.EOFException e = assertThrows(java.io.EOFException.class, () -> Protocol.read(in, 1L << 31));
        assertTrue(e.getMessage().contains("3 of 1073741824"), e.getMessage());
        byte[] whole = {Protocol.RESULT, 0, 0, 0, 3, 1, 2, 3};
        Protocol.Frame f = Protocol.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(whole)), 10);
        assertArrayEquals(new byte[] {1, 2, 3}, f.payload());
    }
}
