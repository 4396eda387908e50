package dev.multiproc.cli.lab;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc lab}: reproduces each claim of the two seed documents live on this machine
 * and prints the table; exits 1 if any row does not hold.
 */
@Command(name = "lab",
        description = "Reproduces, live on this machine, each claim of the seed documents about Python's fork, wait,"
                + " zombies, daemon children, signals, Popen and exit, next to what multiproc does; prints a table and"
                + " exits 1 if any row does not hold.")
public final class LabCommand implements Callable<Integer> {
    static final class Format {
        @Option(names = "--markdown", description = "Print the table as Markdown.")
        boolean markdown;

        @Option(names = "--json", description = "Print the results as JSON.")
        boolean json;
    }

    @ArgGroup(exclusive = true)
    Format format = new Format();

    /** The rows, in the order of the seeds' claims. */
    static List<Row> rows() {
        return List.of(
                new ChildIsCreated(),
                new ParentWaits(),
                new SevenChildren(),
                new ZombieNeverLingers(),
                new DoubleFork(),
                new ExitNotification(),
                new NonDaemonAwaited(),
                new DaemonTerminated(),
                new ParentSignalled(),
                new SignalsToChild(),
                new PopenStyle(),
                new ExitVersusHalt(),
                new WaitAfterReap(),
                new LockHolderKilled(),
                new ProducerKilledMidPut());
    }

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        List<Row> rows = rows();
        List<Result> results = new ArrayList<>();
        long start = System.nanoTime();
        try (LabContext lab = new LabContext()) {
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                progress.printf("[%2d/%d] %s ... ", i + 1, rows.size(), row.claim());
                progress.flush();
                long t = System.nanoTime();
                Outcome outcome;
                try {
                    outcome = row.run(lab);
                } catch (Exception | AssertionError e) {
                    outcome = new Outcome(false, "the experiment failed: " + e);
                }
                Result result = new Result(i + 1, row, outcome, (System.nanoTime() - t) / 1e9);
                results.add(result);
                progress.printf(Locale.ROOT, "%s %.1f s%n", result.mark(), result.seconds());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (format.json) {
            System.out.print(JsonReport.render(results, seconds));
        } else if (format.markdown) {
            System.out.print(MarkdownTable.render(results));
        } else {
            System.out.print(TextTable.render(results, terminalWidth()));
            long failed = results.stream().filter(r -> !r.outcome().ok()).count();
            System.out.printf(Locale.ROOT, "%d of %d claims reproduced in %.1f s%s%n", results.size() - failed,
                    results.size(), seconds, failed == 0 ? "." : "; " + failed + " did not hold (✘).");
        }
        return results.stream().allMatch(r -> r.outcome().ok()) ? 0 : 1;
    }

    private static int terminalWidth() {
        try {
            return Math.max(100, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "160")));
        } catch (NumberFormatException e) {
            return 160;
        }
    }
}
