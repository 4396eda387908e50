package dev.multiproc.internal.conn;

import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * What a connection's end has read from its pipe and not handed out yet: it cuts the bytes into
 * messages. Not thread-safe: the end's receive lock guards it.
 *
 * <h2>Frames</h2>
 * A message is {@code [length: int, big-endian][body: length bytes]}, the body being one value
 * in the pool's compact encoding ({@link Values}: a tag, then a boxed primitive, a
 * {@code String}, a {@code byte[]}, or Java serialization for anything else). Small messages are
 * read many at a time into one buffer of {@link #CAPACITY} bytes and decoded from it. A message
 * larger than the buffer gets an array of its own, read into directly; a {@code byte[]} that large
 * is read straight into the array handed out, with no copy.
 *
 * <h2>Timeouts and deaths</h2>
 * What arrived of a message stays here when a receive times out, so the next receive goes on
 * with it: a timeout bounds a whole message, and loses nothing. A message cut by the peer's death
 * (end of file inside it) is {@linkplain #drop dropped}, and the caller reports how much of it came.
 */
final class Inbox {
    /** The buffer for small messages, and the largest frame that is decoded from it. */
    static final int CAPACITY = 64 * 1024;
    /** The frame header of a {@code byte[]}: frame length, tag, array length. */
    static final int BYTES_HEADER = 4 + 1 + 4;
    /** What {@link #take} returns while a message is incomplete. */
    static final Object INCOMPLETE = new Object();

    private final byte[] buffer = new byte[CAPACITY];
    private final SerialLimits limits;
    private int start;
    private int end;
    /** A message larger than {@link #buffer}, being read: the body, or the array of a {@code byte[]}. */
    private byte[] large;
    private int largeFilled;
    private boolean largeIsBytes;

    Inbox(SerialLimits limits) {
        this.limits = limits;
    }

    /** A frame that breaks the protocol: nothing after it can be trusted. */
    static final class Corrupt extends IOException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message);
        }
    }

    /** A whole message that could not be decoded (its class is missing, the filter refused it); it is consumed. */
    static final class Undecodable extends IOException {
        private static final long serialVersionUID = 1L;

        Undecodable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A message that is not a {@code byte[]} at the front, for a caller that wants bytes; it is not consumed. */
    static final class NotBytes extends IOException {
        private static final long serialVersionUID = 1L;

        NotBytes(String message) {
            super(message);
        }
    }

    /**
     * The next message if all of it is here, else {@link #INCOMPLETE}: read more into
     * {@link #room()} then.
     *
     * @param bytesOnly refuse a message that is not a {@code byte[]}, without consuming it
     * @throws Corrupt if the bytes are not a frame
     * @throws Undecodable if the message cannot be decoded here (it is consumed)
     * @throws NotBytes if {@code bytesOnly} and the next message is something else
     */
    Object take(boolean bytesOnly) throws IOException {
        if (large != null) {
            int copied = Math.min(end - start, large.length - largeFilled);
            System.arraycopy(buffer, start, large, largeFilled, copied);
            start += copied;
            largeFilled += copied;
            if (largeFilled < large.length) {
                return INCOMPLETE;
            }
            byte[] done = large;
            large = null;
            return largeIsBytes ? done : decode(done, 0, done.length);
        }
        int available = end - start;
        if (available < 4) {
            return INCOMPLETE;
        }
        int length = getInt(start);
        if (length < 1 || length > limits.maxBytes()) {
            throw new Corrupt("a message announced " + length + " bytes, not between 1 and the limit of "
                    + limits.maxBytes() + " bytes (maxbytes)");
        }
        if (available >= 4 + length) {
            if (bytesOnly && (buffer[start + 4] & 0xff) != Values.BYTES) {
                throw notBytes(buffer[start + 4] & 0xff);
            }
            int body = start + 4;
            start += 4 + length;
            return decode(buffer, body, length);
        }
        if (4 + length <= CAPACITY) {
            return INCOMPLETE;
        }
        if (available < BYTES_HEADER) {
            return INCOMPLETE;
        }
        int tag = buffer[start + 4] & 0xff;
        if (tag == Values.BYTES) {
            int arrayLength = getInt(start + 5);
            if (arrayLength != length - 5) {
                throw new Corrupt("a byte[] of " + arrayLength + " bytes in a message of " + length + " bytes");
            }
            large = new byte[arrayLength];
            largeIsBytes = true;
            start += BYTES_HEADER;
        } else {
            if (bytesOnly) {
                throw notBytes(tag);
            }
            large = new byte[length];
            largeIsBytes = false;
            start += 4;
        }
        largeFilled = 0;
        return take(bytesOnly);
    }

    /** Where the next read goes: the rest of a large message, or the free end of the buffer. */
    MemorySegment room() {
        if (large != null && start == end) {
            start = 0;
            end = 0;
            return MemorySegment.ofArray(large).asSlice(largeFilled);
        }
        if (end == CAPACITY || start == end) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        return MemorySegment.ofArray(buffer).asSlice(end);
    }

    /** Counts {@code n} bytes read into {@link #room()}. */
    void filled(int n) {
        if (large != null && start == 0 && end == 0) {
            largeFilled += n;
        } else {
            end += n;
        }
    }

    /** True if part of a message is here: readable data, or a message cut short if the pipe ends now. */
    boolean holdsAny() {
        return large != null || end > start;
    }

    /** True if a whole message is here, to be taken without reading. */
    boolean holdsMessage() {
        if (large != null) {
            return false;
        }
        int available = end - start;
        return available >= 4 && available - 4 >= getInt(start);
    }

    /** How much of the message cut short arrived, for a report: "N of M bytes". */
    String partDescription() {
        if (large != null) {
            return (largeFilled + (largeIsBytes ? BYTES_HEADER : 4)) + " of "
                    + (large.length + (largeIsBytes ? BYTES_HEADER : 4)) + " bytes";
        }
        int available = end - start;
        return available < 4 ? available + " bytes of its length" : available + " of " + (4L + getInt(start)) + " bytes";
    }

    /** Forgets everything held: a message cut short is dropped. */
    void drop() {
        start = 0;
        end = 0;
        large = null;
    }

    private Object decode(byte[] bytes, int offset, int length) throws IOException {
        WireReader in = new WireReader(bytes, offset, length);
        Object value;
        try {
            value = Values.decode(in, limits, null);
        } catch (Values.MalformedException | java.io.EOFException e) {
            throw new Corrupt("a message of " + length + " bytes is not a value: " + e.getMessage());
        } catch (ClassNotFoundException e) {
            throw new Undecodable("a message of class " + e.getMessage() + " cannot be read here: the class is missing", e);
        } catch (IOException e) {
            throw new Undecodable("a message of " + length + " bytes cannot be read here: " + e.getMessage(), e);
        }
        if (in.remaining() != 0) {
            throw new Corrupt("a message of " + length + " bytes holds " + in.remaining() + " bytes after its value");
        }
        return value;
    }

    private NotBytes notBytes(int tag) {
        return new NotBytes("the next message is not a byte[] (" + kind(tag) + "): receive it with recv()");
    }

    private static String kind(int tag) {
        return switch (tag) {
            case 0 -> "null";
            case 1 -> "an Integer";
            case 2 -> "a Long";
            case 3 -> "a Double";
            case 4 -> "a Float";
            case 5 -> "a Short";
            case 6 -> "a Byte";
            case 7 -> "a Character";
            case 8, 9 -> "a Boolean";
            case 10 -> "a String";
            default -> "a serialized object";
        };
    }

    private int getInt(int at) {
        return (buffer[at] & 0xff) << 24 | (buffer[at + 1] & 0xff) << 16 | (buffer[at + 2] & 0xff) << 8
                | (buffer[at + 3] & 0xff);
    }
}
