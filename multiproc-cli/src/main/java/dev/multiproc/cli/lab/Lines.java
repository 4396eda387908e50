package dev.multiproc.cli.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads what a {@link LabParent} printed: {@code key=value} lines. */
final class Lines {
    private Lines() {}

    static Map<String, String> keyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return values;
    }
}
