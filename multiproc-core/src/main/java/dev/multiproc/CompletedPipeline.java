package dev.multiproc;

import java.nio.charset.Charset;
import java.util.List;

/**
 * A pipeline that ran to its end: every stage's status and stderr, and the last stage's
 * stdout. Its status follows {@code set -o pipefail}.
 */
public final class CompletedPipeline {
    private final List<CompletedProcess> stages;

    CompletedPipeline(List<CompletedProcess> stages) {
        this.stages = List.copyOf(stages);
    }

    /** Each stage's result, in order; only the last has stdout. */
    public List<CompletedProcess> stages() {
        return stages;
    }

    /** Each stage's status, in order. */
    public List<ExitStatus> exitStatuses() {
        return stages.stream().map(CompletedProcess::exitStatus).toList();
    }

    /** The pipeline's status, as {@code set -o pipefail} has it: the rightmost failure, else success. */
    public ExitStatus exitStatus() {
        return failedStage().exitStatus();
    }

    /** The last stage's stdout. */
    public byte[] stdout() {
        return stages.getLast().stdout();
    }

    /** The last stage's stdout as UTF-8 text. */
    public String stdoutText() {
        return stages.getLast().stdoutText();
    }

    /** The last stage's stdout decoded with {@code charset}. */
    public String stdoutText(Charset charset) {
        return stages.getLast().stdoutText(charset);
    }

    /**
     * Returns this if every stage succeeded.
     *
     * @throws ProcessFailedException for the rightmost stage that failed
     */
    public CompletedPipeline check() {
        failedStage().check();
        return this;
    }

    private CompletedProcess failedStage() {
        for (CompletedProcess stage : stages.reversed()) {
            if (!stage.exitStatus().success()) {
                return stage;
            }
        }
        return stages.getLast();
    }

    @Override
    public String toString() {
        return "CompletedPipeline" + exitStatuses();
    }
}
