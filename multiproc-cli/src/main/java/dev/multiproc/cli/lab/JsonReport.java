package dev.multiproc.cli.lab;

import java.util.List;

/** The lab's results as JSON: {@code {"ok": ..., "seconds": ..., "rows": [...]}}. */
final class JsonReport {
    private JsonReport() {}

    static String render(List<Result> results, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append("{\n  \"ok\": ").append(results.stream().allMatch(r -> r.outcome().ok()))
                .append(",\n  \"seconds\": ").append(String.format(java.util.Locale.ROOT, "%.2f", seconds))
                .append(",\n  \"rows\": [");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"number\": ").append(r.number())
                    .append(", \"claim\": ").append(string(r.row().claim()))
                    .append(", \"python\": ").append(string(r.row().python()))
                    .append(", \"multiproc\": ").append(string(r.row().multiproc()))
                    .append(", \"evidence\": ").append(string(r.outcome().evidence()))
                    .append(", \"ok\": ").append(r.outcome().ok())
                    .append(", \"seconds\": ").append(String.format(java.util.Locale.ROOT, "%.2f", r.seconds()))
                    .append('}');
        }
        return out.append("\n  ]\n}\n").toString();
    }

    /** {@code text} as a JSON string literal. */
    static String string(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
