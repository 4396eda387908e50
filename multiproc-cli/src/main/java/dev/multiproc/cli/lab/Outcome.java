package dev.multiproc.cli.lab;

/** What a row's experiment observed ({@code evidence}: pids, states, statuses, timings) and whether the claim held. */
record Outcome(boolean ok, String evidence) {
    static Outcome of(boolean ok, String evidence, Object... args) {
        return new Outcome(ok, args.length == 0 ? evidence : evidence.formatted(args));
    }
}
