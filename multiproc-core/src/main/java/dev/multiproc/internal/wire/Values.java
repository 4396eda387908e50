package dev.multiproc.internal.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The encoding of one value on a pool's channel: a tag byte, then the value. The common
 * values of a {@code map} (null, boxed primitives, {@code String}, {@code byte[]}) have a
 * compact form of their own; anything else is Java serialization (filtered when read, see
 * {@link Serial}). An {@code Integer} takes 5 bytes instead of the 81 of its serialized form,
 * and neither side builds an object stream for it.
 */
public final class Values {
    static final int NULL = 0;
    static final int INT = 1;
    static final int LONG = 2;
    static final int DOUBLE = 3;
    static final int FLOAT = 4;
    static final int SHORT = 5;
    static final int BYTE = 6;
    static final int CHAR = 7;
    static final int TRUE = 8;
    static final int FALSE = 9;
    static final int STRING = 10;
    /**
     * The tag of a {@code byte[]}, which a length and the bytes follow: a reader that knows it may
     * read a large array straight into its own.
     */
    public static final int BYTES = 11;
    static final int SERIAL = 12;
    /** Not a value: in a chunk's results, the element failed; a {@link RemoteFailure} follows. */
    public static final int FAILURE = 13;

    private Values() {}

    /** Bytes that are not a value: where the next value starts is unknown. */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * Appends {@code value}.
     *
     * @param what how to call the value in a message ("result", "element 3 of the inputs")
     * @throws Serial.NotSerializable naming what could not be serialized and the way to it
     */
    public static void encode(Object value, WireBuffer out, String what) throws Serial.NotSerializable {
        switch (value) {
            case null -> out.put(NULL);
            case Integer i -> {
                out.put(INT);
                out.putInt(i);
            }
            case Long l -> {
                out.put(LONG);
                out.putLong(l);
            }
            case Double d -> {
                out.put(DOUBLE);
                out.putLong(Double.doubleToRawLongBits(d));
            }
            case Float f -> {
                out.put(FLOAT);
                out.putInt(Float.floatToRawIntBits(f));
            }
            case Short s -> {
                out.put(SHORT);
                out.putInt(s);
            }
            case Byte b -> {
                out.put(BYTE);
                out.put(b);
            }
            case Character c -> {
                out.put(CHAR);
                out.putInt(c);
            }
            case Boolean b -> out.put(b ? TRUE : FALSE);
            case String s -> {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                out.put(STRING);
                out.putInt(utf8.length);
                out.put(utf8, 0, utf8.length);
            }
            case byte[] b -> {
                out.put(BYTES);
                out.putInt(b.length);
                out.put(b, 0, b.length);
            }
            default -> {
                Serial.Bytes bytes = Serial.serialize(value, what);
                out.put(SERIAL);
                out.putInt(bytes.length());
                out.put(bytes.bytes(), 0, bytes.length());
            }
        }
    }

    /**
     * Reads one value.
     *
     * @param loader resolves the classes of a serialized value first, or null for the default
     * @throws java.io.EOFException if the bytes end inside the value
     * @throws MalformedException if the bytes are not a value
     * @throws IOException if the filter rejects it, or reading it threw (see {@link Serial#deserialize})
     * @throws ClassNotFoundException if a serialized value's class is missing here
     */
    public static Object decode(WireReader in, SerialLimits limits, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        int tag = in.get();
        return switch (tag) {
            case NULL -> null;
            case INT -> in.getInt();
            case LONG -> in.getLong();
            case DOUBLE -> Double.longBitsToDouble(in.getLong());
            case FLOAT -> Float.intBitsToFloat(in.getInt());
            case SHORT -> (short) in.getInt();
            case BYTE -> (byte) in.get();
            case CHAR -> (char) in.getInt();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case STRING -> {
                int n = in.getLength();
                yield new String(in.array(), in.skip(n), n, StandardCharsets.UTF_8);
            }
            case BYTES -> {
                int n = in.getLength();
                int at = in.skip(n);
                checkArray(n, limits);
                byte[] b = new byte[n];
                System.arraycopy(in.array(), at, b, 0, n);
                yield b;
            }
            case SERIAL -> {
                int n = in.getLength();
                yield Serial.deserialize(in.array(), in.skip(n), n, limits, loader);
            }
            default -> throw new MalformedException("malformed value: tag " + tag);
        };
    }

    private static void checkArray(int n, SerialLimits limits) throws IOException {
        if (n > limits.maxBytes()) {
            throw new IOException("a byte[] of " + n + " bytes is over the limit of " + limits.maxBytes()
                    + " bytes (maxbytes)");
        }
    }
}
