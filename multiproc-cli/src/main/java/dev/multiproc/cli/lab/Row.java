package dev.multiproc.cli.lab;

/**
 * One claim of the seed documents, reproduced live: what the seeds say Python does, what
 * multiproc does instead (or alike), and an experiment that shows it on this machine.
 */
abstract class Row {
    private final String claim;
    private final String python;
    private final String multiproc;

    /**
     * @param claim the claim, short: "a child that exits while nobody waits becomes a zombie"
     * @param python what Python does, as the seeds tell it
     * @param multiproc what multiproc does
     */
    Row(String claim, String python, String multiproc) {
        this.claim = claim;
        this.python = python;
        this.multiproc = multiproc;
    }

    final String claim() {
        return claim;
    }

    final String python() {
        return python;
    }

    final String multiproc() {
        return multiproc;
    }

    /** Runs the experiment; the evidence it observed, and whether it holds. */
    abstract Outcome run(LabContext lab) throws Exception;
}
