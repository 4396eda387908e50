package dev.multiproc.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

/**
 * What a deserialization filter rejected, said so that a person can act on it: the JDK's
 * exception reads only {@code filter status: REJECTED}, naming neither the class nor the limit,
 * and a rejected task used to be reported as a class missing from the child's class path.
 *
 * <p>After a rejection the bytes are read again through a filter that records the first check
 * that failed; that check is then taken apart: the class alone against the class patterns, then
 * each limit alone. Only failures pay for this second reading.
 */
public final class FilterVerdict {
    /** Every explanation holds this phrase, so that the parent knows a rejection from the child's message. */
    static final String MARK = "rejected by the deserialization filter";

    private FilterVerdict() {}

    /** One check of a filter, as recorded or made up to ask about one limit at a time. */
    private record Check(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
            implements ObjectInputFilter.FilterInfo {
        static Check of(ObjectInputFilter.FilterInfo info) {
            return new Check(info.serialClass(), info.arrayLength(), info.depth(), info.references(),
                    info.streamBytes());
        }
    }

    /** True if {@code e} is {@link Serial#deserialize}'s report of a rejection by the filter. */
    public static boolean isRejection(Throwable e) {
        return e instanceof InvalidClassException && e.getMessage() != null && e.getMessage().contains(MARK);
    }

    /** True if the child's failure {@code f} is a rejection by the filter, as {@link #rejection} reports it. */
    public static boolean isRejection(RemoteFailure f) {
        return InvalidClassException.class.getName().equals(f.className()) && f.message() != null
                && f.message().contains(MARK);
    }

    /**
     * The exception for a stream that {@code limits} rejected: an {@link InvalidClassException}
     * whose message names what was rejected and the filter, such as {@code class com.x.Secret is
     * rejected by the deserialization filter "maxbytes=...;!com.x.*"}; {@code cause} is the
     * original report.
     */
    public static InvalidClassException rejection(byte[] bytes, int offset, int length, SerialLimits limits,
                                                  ClassLoader loader, Throwable cause) {
        InvalidClassException e = new InvalidClassException(null, explain(bytes, offset, length, limits, loader));
        e.initCause(cause);
        return e;
    }

    /** What {@code limits} rejects in the stream, as a phrase holding {@link #MARK}. */
    public static String explain(byte[] bytes, int offset, int length, SerialLimits limits, ClassLoader loader) {
        Check first = firstRejected(bytes, offset, length, limits, loader);
        String filter = "\"" + limits + "\"";
        if (first == null) {
            return "the stream was " + MARK + " " + filter; // the JVM-wide filter, or it did not repeat
        }
        Class<?> type = first.serialClass();
        String name = type == null ? null : type.getTypeName();
        if (type != null && rejects(limits, new Check(type, -1, 1, 1, 0))) {
            return "class " + name + " is " + MARK + " " + filter;
        }
        if (first.arrayLength() >= 0 && rejects(limits, new Check(null, first.arrayLength(), 1, 1, 0))) {
            return "an array of " + first.arrayLength() + " elements" + (name == null ? "" : " (" + name + ")")
                    + " is longer than maxarray: " + MARK + " " + filter;
        }
        if (rejects(limits, new Check(null, -1, first.depth(), 1, 0))) {
            return "objects nested " + first.depth() + " deep are deeper than maxdepth: " + MARK + " " + filter;
        }
        if (rejects(limits, new Check(null, -1, 1, first.references(), 0))) {
            return first.references() + " object references are more than maxrefs: " + MARK + " " + filter;
        }
        return "a stream of " + first.streamBytes() + " bytes is longer than maxbytes: " + MARK + " " + filter;
    }

    private static boolean rejects(SerialLimits limits, Check check) {
        return limits.checkInput(check) == ObjectInputFilter.Status.REJECTED;
    }

    /** Reads the stream again; the first check that {@code limits} rejected, or null. */
    private static Check firstRejected(byte[] bytes, int offset, int length, SerialLimits limits, ClassLoader loader) {
        Check[] first = new Check[1];
        ObjectInputFilter recording = info -> {
            ObjectInputFilter.Status status = limits.checkInput(info);
            if (status == ObjectInputFilter.Status.REJECTED && first[0] == null) {
                first[0] = Check.of(info);
            }
            return status;
        };
        try (ObjectInputStream in = new LoaderInput(new ByteArrayInputStream(bytes, offset, length), loader)) {
            in.setObjectInputFilter(recording);
            in.readObject();
        } catch (Throwable e) {
            // expected: the filter stops the stream again (and an explanation must never fail)
        }
        return first[0];
    }

    /** Resolves classes with {@code loader} first, as {@link Serial#deserialize} does. */
    private static final class LoaderInput extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInput(ByteArrayInputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // the default lookup, as Serial does
                }
            }
            return super.resolveClass(desc);
        }
    }
}
