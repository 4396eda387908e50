package dev.multiproc.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/** Java serialization for the control channel: explained failures out, filtered reads in. */
public final class Serial {
    private Serial() {}

    /** Serialized bytes in a buffer that is not copied again: {@code bytes()[0..length())}. */
    public static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(512);
        }

        /** The buffer; only the first {@link #length()} bytes are the data. */
        public byte[] bytes() {
            return buf;
        }

        /** How many bytes of {@link #bytes()} are the data. */
        public int length() {
            return count;
        }
    }

    /** Serialization failed; the message names the path to what could not be serialized. */
    public static final class NotSerializable extends IOException {
        private static final long serialVersionUID = 1L;

        NotSerializable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Serializes {@code value}.
     *
     * @param what how to call the value in a message ("task", "result")
     * @throws NotSerializable naming the non-serializable object's class and the way to it from
     *     {@code value}, or the failure of a class's own {@code writeObject}
     */
    public static Bytes serialize(Object value, String what) throws NotSerializable {
        Bytes bytes = new Bytes();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            String path = SerialPath.explain(value, what, e.getMessage());
            throw new NotSerializable(path != null ? path
                    : what + ": " + e.getMessage() + " is not Serializable", e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new NotSerializable(what + " cannot be serialized: " + e, e);
        }
        return bytes;
    }

    /** Reading a stream threw an {@link Error} (its cause): the stream, not this JVM, is at fault. */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(Error cause) {
            super("reading it threw " + cause, cause);
        }
    }

    /**
     * Reads one object through {@code limits} (with the array budget of a stream of
     * {@code length} bytes, see {@link SerialLimits}), resolving classes first with
     * {@code loader} (when not null) and then as {@link ObjectInputStream} does.
     *
     * <p>Whatever the stream's classes do while they are read, the caller gets an exception: an
     * {@link Error} thrown meanwhile (an {@code AssertionError} from a {@code readObject}, an
     * {@code OutOfMemoryError} or a {@code StackOverflowError} the stream provoked) comes out as
     * {@link Unreadable}, with the error as its cause.
     *
     * @throws InvalidClassException if the filter rejected the stream (the message names the
     *     limits)
     * @throws Unreadable if reading threw an {@link Error}
     */
    public static Object deserialize(byte[] bytes, int offset, int length, SerialLimits limits, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        ByteArrayInputStream source = new ByteArrayInputStream(bytes, offset, length);
        ObjectInputFilter filter = limits.forStream(length);
        // A subclass of ObjectInputStream costs a fresh JVM an audit by reflection: only when needed.
        try (ObjectInputStream in = loader == null ? new ObjectInputStream(source) : new FilteredInput(source, loader)) {
            ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
            in.setObjectInputFilter(jvmWide == null ? filter : ObjectInputFilter.merge(filter, jvmWide));
            return in.readObject();
        } catch (InvalidClassException e) {
            if (e.getMessage() != null && e.getMessage().contains("REJECTED")) {
                InvalidClassException explained = new InvalidClassException(e.classname,
                        "rejected by the deserialization filter (" + filter + ")");
                explained.initCause(e);
                throw explained;
            }
            throw e;
        } catch (Error e) {
            throw new Unreadable(e);
        }
    }

    private static final class FilteredInput extends ObjectInputStream {
        private final ClassLoader loader;

        FilteredInput(ByteArrayInputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall back to the default lookup (primitives, arrays, the caller's loader)
                }
            }
            return super.resolveClass(desc);
        }
    }
}
