package dev.multiproc.pooltesting;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamConstants;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Serialization streams written by hand, as someone who wants to hurt the reader would write
 * them: a few bytes that announce arrays far larger than themselves.
 */
public final class HostileStreams {
    private HostileStreams() {}

    /**
     * The tokens of {@code levels} nested {@code Object[]} arrays of {@code length} elements each,
     * the first element of each being the next one, without the stream's header: 40 bytes a level.
     * Read through a filter that allows arrays of {@code length}, they allocate {@code levels}
     * arrays of that length before the stream runs out.
     */
    public static byte[] nestedArrayTokens(int levels, int length) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            long uid = ObjectStreamClass.lookup(Object[].class).getSerialVersionUID();
            byte[] name = Object[].class.getName().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < levels; i++) {
                out.writeByte(ObjectStreamConstants.TC_ARRAY);
                out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
                out.writeShort(name.length);
                out.write(name);
                out.writeLong(uid);
                out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
                out.writeShort(0); // no fields
                out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
                out.writeByte(ObjectStreamConstants.TC_NULL); // no superclass
                out.writeInt(length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@link #nestedArrayTokens} as a whole stream, header first. */
    public static byte[] nestedArrayStream(int levels, int length) {
        byte[] tokens = nestedArrayTokens(levels, length);
        byte[] stream = new byte[4 + tokens.length];
        stream[0] = (byte) (ObjectStreamConstants.STREAM_MAGIC >>> 8);
        stream[1] = (byte) ObjectStreamConstants.STREAM_MAGIC;
        stream[2] = 0;
        stream[3] = (byte) ObjectStreamConstants.STREAM_VERSION;
        System.arraycopy(tokens, 0, stream, 4, tokens.length);
        return stream;
    }
}
