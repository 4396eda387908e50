package dev.multiproc.internal.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A child's environment as {@code posix_spawn} takes it: {@code NAME=value} entries. */
public final class Environments {
    private Environments() {}

    /**
     * {@code base} (this JVM's environment if null) with {@code changes} applied (a null value
     * removes the variable), as entries; or null when the child can simply get this JVM's
     * environment unchanged (the spawner has that one ready).
     */
    public static List<String> entries(Map<String, String> base, Map<String, String> changes) {
        if (base == null && changes.isEmpty()) {
            return null;
        }
        Map<String, String> merged = new LinkedHashMap<>(base != null ? base : System.getenv());
        changes.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        List<String> entries = new ArrayList<>(merged.size());
        merged.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }
}
