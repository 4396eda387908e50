package dev.multiproc.internal.wire;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deserialization filter for tasks, results and exceptions, on both sides of the control
 * channel: limits on stream size, nesting depth, object references and array length, plus
 * optional class patterns, and a budget for the arrays of each stream.
 *
 * <h2>The array budget</h2>
 * A stream announces an array's length before its elements, and the reader allocates the array
 * first: a stream of a hundred bytes can announce nested arrays of 2^28 elements each and make
 * the reader allocate gigabytes before it runs out of bytes. But every element of every array
 * takes at least one byte of the stream (a {@code null} is one byte), so the arrays of a whole
 * stream never hold more elements, in all, than the stream has bytes. {@link #forStream} gives
 * a filter for one stream of known length that refuses an array that would take the elements
 * of the stream's arrays past that (plus {@link #ARRAY_SLACK}, for the few classes that size a
 * table of their own ahead of their elements, such as {@code HashMap}). A legitimate stream never
 * meets it; a hostile one can make this JVM allocate at most a few times its own size.
 *
 * <p>Written in {@link ObjectInputFilter.Config#createFilter} syntax. The user's pattern is
 * read on top of {@link #DEFAULTS}: a limit it names replaces the default one, and its class
 * patterns ({@code com.x.*}, {@code !*}) are checked after the limits. The limits are checked
 * here rather than by a JDK-made filter because building one costs a fresh JVM several
 * milliseconds; the JDK's pattern parser is used only when there are class patterns.
 */
public final class SerialLimits implements ObjectInputFilter {
    /**
     * The limits when the user sets none: 1 GiB per stream (a 64 MiB result passes), depth
     * 5000, 50 million references, arrays of up to 256 Mi elements; and always the array budget
     * (see the class comment).
     */
    public static final String DEFAULTS = "maxbytes=1073741824;maxdepth=5000;maxrefs=50000000;maxarray=268435456";
    /** Array elements a stream may announce beyond one per byte of its own. */
    static final long ARRAY_SLACK = 4096;

    private final String pattern;
    private final long maxBytes;
    private final long maxDepth;
    private final long maxRefs;
    private final long maxArray;
    private final ObjectInputFilter classes;

    private SerialLimits(String pattern, long maxBytes, long maxDepth, long maxRefs, long maxArray,
                         ObjectInputFilter classes) {
        this.pattern = pattern;
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
        this.maxRefs = maxRefs;
        this.maxArray = maxArray;
        this.classes = classes;
    }

    /** The default limits. */
    public static SerialLimits defaults() {
        return parse("");
    }

    /**
     * The defaults with {@code pattern} on top.
     *
     * @throws IllegalArgumentException naming the part of the pattern that is wrong
     */
    public static SerialLimits parse(String pattern) {
        long[] limits = new long[4];
        List<String> rest = new ArrayList<>();
        apply(DEFAULTS, limits, rest);
        apply(pattern, limits, rest);
        ObjectInputFilter classes = null;
        if (!rest.isEmpty()) {
            classes = ObjectInputFilter.Config.createFilter(String.join(";", rest));
        }
        return new SerialLimits(pattern, limits[0], limits[1], limits[2], limits[3], classes);
    }

    private static void apply(String pattern, long[] limits, List<String> rest) {
        for (String part : pattern.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? "" : p.substring(0, eq).toLowerCase(Locale.ROOT);
            int index = switch (key) {
                case "maxbytes" -> 0;
                case "maxdepth" -> 1;
                case "maxrefs" -> 2;
                case "maxarray" -> 3;
                default -> -1;
            };
            if (index < 0) {
                rest.add(p);
                continue;
            }
            try {
                limits[index] = Long.parseLong(p.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("deserialization filter: \"" + p + "\" is not a number", e);
            }
            if (limits[index] < 0) {
                throw new IllegalArgumentException("deserialization filter: \"" + p + "\" must not be negative");
            }
        }
    }

    /** The pattern as the user gave it (empty for the defaults), to send to the child. */
    public String pattern() {
        return pattern;
    }

    /** The largest stream (and so the largest frame) accepted, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * This filter for one stream of {@code streamLength} bytes, with the array budget (see the
     * class comment); for that stream only: it counts what the stream announced.
     */
    public ObjectInputFilter forStream(long streamLength) {
        return new StreamFilter(streamLength + ARRAY_SLACK);
    }

    /** The limits, and the array budget of one stream. */
    private final class StreamFilter implements ObjectInputFilter {
        private long arrayBudget;

        StreamFilter(long arrayBudget) {
            this.arrayBudget = arrayBudget;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            long length = info.arrayLength();
            if (length > 0) {
                arrayBudget -= length;
                if (arrayBudget < 0) {
                    return Status.REJECTED;
                }
            }
            return SerialLimits.this.checkInput(info);
        }

        @Override
        public String toString() {
            return SerialLimits.this + ", and no more array elements in all than the stream has bytes";
        }
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.streamBytes() > maxBytes || info.depth() > maxDepth || info.references() > maxRefs
                || info.arrayLength() > maxArray) {
            return Status.REJECTED;
        }
        return classes == null ? Status.UNDECIDED : classes.checkInput(info);
    }

    @Override
    public String toString() {
        return "maxbytes=" + maxBytes + ";maxdepth=" + maxDepth + ";maxrefs=" + maxRefs + ";maxarray=" + maxArray
                + (classes == null ? "" : ";" + classes);
    }
}
