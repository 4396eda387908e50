package dev.multiproc.internal.engine;

import dev.multiproc.internal.posix.Spawn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child's environment as {@code posix_spawn} takes it: {@code NAME=value} entries.
 *
 * <p>A child's settings keep names and values as bytes, so that a variable that is not UTF-8 passes
 * through unchanged, from this JVM's own environment or from the caller. In the maps a name
 * is held as a {@linkplain #key key}: its bytes, one char per byte (ISO-8859-1), which
 * compares and hashes as the bytes do.
 */
public final class Environments {
    private static final class Inherited {
        static final List<byte[]> ENTRIES = List.copyOf(Spawn.environ());
    }

    private Environments() {}

    /** This JVM's environment, read once from the C library, byte for byte. */
    public static List<byte[]> inherited() {
        return Inherited.ENTRIES;
    }

    /** The map key of a variable named {@code name}. */
    public static String key(byte[] name) {
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code base} (this JVM's environment if null) with {@code changes} applied (a null value
     * removes the variable), as entries; or null when the child can simply get this JVM's
     * environment unchanged (the spawner has that one ready). Both maps are keyed by
     * {@link #key}.
     */
    public static List<byte[]> encoded(Map<String, byte[]> base, Map<String, byte[]> changes) {
        if (base == null && changes.isEmpty()) {
            return null;
        }
        Map<String, byte[]> merged = new LinkedHashMap<>(base != null ? base : inheritedMap());
        changes.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        List<byte[]> entries = new ArrayList<>(merged.size());
        merged.forEach((name, value) -> {
            ByteArrayOutputStream entry = new ByteArrayOutputStream(name.length() + 1 + value.length);
            entry.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
            entry.write('=');
            entry.writeBytes(value);
            entries.add(entry.toByteArray());
        });
        return entries;
    }

    /** {@link #inherited()} by name; entries without a name or an {@code =} are left out, as the JDK does. */
    private static Map<String, byte[]> inheritedMap() {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (byte[] entry : inherited()) {
            int eq = indexOf(entry, (byte) '=', 1);
            if (eq > 0) {
                byte[] name = java.util.Arrays.copyOfRange(entry, 0, eq);
                map.put(key(name), java.util.Arrays.copyOfRange(entry, eq + 1, entry.length));
            }
        }
        return map;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
