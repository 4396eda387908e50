package dev.multiproc.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Why a child has no result, in a form that survives the trip to the parent whatever the
 * exception: for each throwable of the cause chain its class name, message and stack frames,
 * plus the throwable itself serialized when that works (so the parent can rethrow the real
 * class when it has it).
 *
 * @param kind what failed
 * @param chain the throwable and its causes, outermost first
 * @param serialized the serialized throwable, or empty
 */
public record RemoteFailure(Kind kind, List<Remote> chain, byte[] serialized) {
    private static final int MAX_CHAIN = 32;
    private static final int MAX_MESSAGE = 1 << 20;

    /** What failed in the child. */
    public enum Kind {
        /** The task threw. */
        TASK_THREW,
        /** The child could not deserialize the task (a class missing from its class path...). */
        TASK_NOT_LOADED,
        /** The task returned a value that cannot be serialized. */
        RESULT_NOT_SERIALIZABLE
    }

    /** One throwable of the chain. */
    public record Remote(String className, String message, StackTraceElement[] frames) {}

    /** The outermost throwable's class name. */
    public String className() {
        return chain.getFirst().className();
    }

    /** The outermost throwable's message, or null. */
    public String message() {
        return chain.getFirst().message();
    }

    /** Encodes {@code t} for a FAILURE frame; in the child. */
    public static byte[] encode(Kind kind, Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && chain.size() < MAX_CHAIN && seen.add(c); c = c.getCause()) {
            chain.add(c);
        }
        byte[] serialized;
        try {
            Serial.Bytes bytes = Serial.serialize(t, "exception");
            serialized = java.util.Arrays.copyOf(bytes.bytes(), bytes.length());
        } catch (IOException | RuntimeException e) {
            serialized = new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind.ordinal());
            out.writeInt(chain.size());
            for (Throwable c : chain) {
                writeString(out, c.getClass().getName());
                writeString(out, c.getMessage());
                StackTraceElement[] frames = c.getStackTrace();
                out.writeInt(frames.length);
                for (StackTraceElement f : frames) {
                    writeString(out, f.getClassLoaderName());
                    writeString(out, f.getModuleName());
                    writeString(out, f.getModuleVersion());
                    writeString(out, f.getClassName());
                    writeString(out, f.getMethodName());
                    writeString(out, f.getFileName());
                    out.writeInt(f.getLineNumber());
                }
            }
            out.writeInt(serialized.length);
            out.write(serialized);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a FAILURE frame's payload; in the parent. */
    public static RemoteFailure decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int kind = in.readUnsignedByte();
        if (kind >= Kind.values().length) {
            throw new IOException("malformed failure frame: kind " + kind);
        }
        int n = in.readInt();
        if (n < 1 || n > MAX_CHAIN) {
            throw new IOException("malformed failure frame: " + n + " throwables");
        }
        List<Remote> chain = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String className = readString(in);
            String message = readString(in);
            int frames = in.readInt();
            if (frames < 0 || frames > payload.length) {
                throw new IOException("malformed failure frame: " + frames + " frames");
            }
            StackTraceElement[] trace = new StackTraceElement[frames];
            for (int f = 0; f < frames; f++) {
                trace[f] = new StackTraceElement(readString(in), readString(in), readString(in),
                        readString(in), readString(in), readString(in), in.readInt());
            }
            chain.add(new Remote(className, message, trace));
        }
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("malformed failure frame: " + length + " serialized bytes");
        }
        byte[] serialized = new byte[length];
        in.readFully(serialized);
        return new RemoteFailure(Kind.values()[kind], List.copyOf(chain), serialized);
    }

    /**
     * The child's throwable as this JVM can best show it: the real one if it deserializes here,
     * else a chain of {@link RemoteThrowable} stand-ins with the child's frames.
     */
    public Throwable toThrowable(SerialLimits limits, ClassLoader loader) {
        Throwable unreadable = null;
        if (serialized.length > 0) {
            try {
                if (Serial.deserialize(serialized, 0, serialized.length, limits, loader) instanceof Throwable t) {
                    return t;
                }
            } catch (Serial.Unreadable e) {
                unreadable = e.getCause(); // reading it threw an Error: shown on the stand-in
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                // its class is missing here, or it does not deserialize: use the stand-in
            }
        }
        RemoteThrowable outer = null;
        RemoteThrowable previous = null;
        for (Remote r : chain) {
            RemoteThrowable t = new RemoteThrowable(r.className(), r.message(), r.frames());
            if (previous == null) {
                outer = t;
            } else {
                previous.initCause(t);
            }
            previous = t;
        }
        if (unreadable != null && outer != null) {
            outer.addSuppressed(unreadable);
        }
        return outer;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, MAX_MESSAGE);
        out.writeInt(n);
        out.write(b, 0, n);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("malformed failure frame: a string of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
