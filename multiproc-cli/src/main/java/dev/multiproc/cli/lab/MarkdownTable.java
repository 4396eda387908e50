package dev.multiproc.cli.lab;

import java.util.List;

/** The lab's results as a Markdown table. */
final class MarkdownTable {
    private MarkdownTable() {}

    static String render(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| # | claim | Python (per the seeds) | multiproc | evidence observed | |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Result r : results) {
            out.append("| ").append(r.number())
                    .append(" | ").append(cell(r.row().claim()))
                    .append(" | ").append(cell(r.row().python()))
                    .append(" | ").append(cell(r.row().multiproc()))
                    .append(" | ").append(cell(r.outcome().evidence()))
                    .append(" | ").append(r.mark()).append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
