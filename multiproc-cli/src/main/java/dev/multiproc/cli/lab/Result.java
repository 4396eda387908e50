package dev.multiproc.cli.lab;

/** A row after it ran: its texts, its outcome and how long it took. */
record Result(int number, Row row, Outcome outcome, double seconds) {
    String mark() {
        return outcome.ok() ? "✔" : "✘";
    }
}
