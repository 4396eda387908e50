package dev.multiproc.internal.jvm;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deserialization filter for tasks, results and exceptions, on both sides of the control
 * channel: limits on stream size, nesting depth, object references and array length, plus
 * optional class patterns.
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
     * 5000, 50 million references, arrays of up to 256 Mi elements.
     */
    public static final String DEFAULTS = "maxbytes=1073741824;maxdepth=5000;maxrefs=50000000;maxarray=268435456";

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
