package dev.multiproc.cli.lab;

import java.util.ArrayList;
import java.util.List;

/** The lab's results as a table for a terminal: five columns, cells wrapped to fit the width. */
final class TextTable {
    private static final String[] HEADERS = {"#", "claim", "Python (per the seeds)", "multiproc", "evidence observed", ""};
    /** Shares of the width left after the number and mark columns, for claim, Python, multiproc, evidence. */
    private static final double[] SHARES = {0.2, 0.22, 0.24, 0.34};

    private TextTable() {}

    static String render(List<Result> results, int width) {
        int fixed = 3 + 2 + 3 * HEADERS.length + 1;
        int flexible = Math.max(60, width - fixed);
        int[] widths = new int[HEADERS.length];
        widths[0] = 2;
        widths[5] = 1;
        for (int i = 0; i < SHARES.length; i++) {
            widths[i + 1] = Math.max(12, (int) (flexible * SHARES[i]));
        }
        StringBuilder out = new StringBuilder();
        String rule = rule(widths);
        out.append(rule);
        appendRow(out, HEADERS, widths);
        out.append(rule);
        for (Result r : results) {
            appendRow(out, new String[] {Integer.toString(r.number()), r.row().claim(), r.row().python(),
                    r.row().multiproc(), r.outcome().evidence(), r.mark()}, widths);
            out.append(rule);
        }
        return out.toString();
    }

    private static String rule(int[] widths) {
        StringBuilder s = new StringBuilder("+");
        for (int w : widths) {
            s.append("-".repeat(w + 2)).append('+');
        }
        return s.append('\n').toString();
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] widths) {
        List<List<String>> wrapped = new ArrayList<>();
        int lines = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> w = wrap(cells[i], widths[i]);
            wrapped.add(w);
            lines = Math.max(lines, w.size());
        }
        for (int line = 0; line < lines; line++) {
            out.append('|');
            for (int i = 0; i < cells.length; i++) {
                String text = line < wrapped.get(i).size() ? wrapped.get(i).get(line) : "";
                out.append(' ').append(text).append(" ".repeat(widths[i] - text.length())).append(" |");
            }
            out.append('\n');
        }
    }

    /** {@code text} broken at spaces into lines of at most {@code width} (long words are cut). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) {
                if (!line.isEmpty()) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty() || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
