package dev.multiproc.pooltesting;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * A result whose serialized form carries, after its own fields, the tokens of eight nested
 * {@code Object[2^28]} arrays (see {@link HostileStreams}): a few hundred bytes on the wire that
 * ask the reader for gigabytes. It writes them raw into the object stream, which needs
 * {@code --add-opens=java.base/java.io=ALL-UNNAMED} in the JVM that serializes it.
 */
public final class NestedArraysResult implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        try {
            Field field = ObjectOutputStream.class.getDeclaredField("bout");
            field.setAccessible(true);
            Object raw = field.get(out);
            Method blockData = raw.getClass().getDeclaredMethod("setBlockDataMode", boolean.class);
            blockData.setAccessible(true);
            Method write = raw.getClass().getDeclaredMethod("write", byte[].class, int.class, int.class);
            write.setAccessible(true);
            byte[] tokens = HostileStreams.nestedArrayTokens(8, 1 << 28);
            blockData.invoke(raw, false);
            write.invoke(raw, tokens, 0, tokens.length);
            blockData.invoke(raw, true);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot write the raw tokens (is java.io opened to this module?)", e);
        }
    }
}
