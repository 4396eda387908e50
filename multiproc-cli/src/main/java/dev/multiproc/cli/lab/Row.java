package dev.multiproc.cli.lab;

/**
 * One claim of the seed documents, reproduced live: what the seeds say Python does, what
 * multiproc does instead (or alike), and an experiment that shows it on this machine.
 */
interface Row {
    /** The claim, short: "a child that exits while nobody waits becomes a zombie". */
    String claim();

    /** What Python does, as the seeds tell it. */
    String python();

    /** What multiproc does. */
    String multiproc();

    /** Runs the experiment; the evidence it observed, and whether it holds. */
    Outcome run(LabContext lab) throws Exception;
}
