package dev.multiproc;

import dev.multiproc.internal.io.Bytes;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A child that ran to the end: its arguments, its {@link ExitStatus}, and what it wrote to
 * stdout and stderr (empty for a stream that was not captured). Python's {@code CompletedProcess}.
 */
public final class CompletedProcess {
    /** How much of stderr a {@link ProcessFailedException} message quotes. */
    static final int STDERR_TAIL = 2048;

    private final List<String> argv;
    private final long pid;
    private final ExitStatus exitStatus;
    private final Bytes stdout;
    private final Bytes stderr;

    CompletedProcess(List<String> argv, long pid, ExitStatus exitStatus, Bytes stdout, Bytes stderr) {
        this.argv = List.copyOf(argv);
        this.pid = pid;
        this.exitStatus = Objects.requireNonNull(exitStatus, "exitStatus");
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The program and arguments it ran with. */
    public List<String> argv() {
        return argv;
    }

    /** The process id it had. */
    public long pid() {
        return pid;
    }

    /** How it ended. */
    public ExitStatus exitStatus() {
        return exitStatus;
    }

    /** What it wrote to stdout: a new array on each call. */
    public byte[] stdout() {
        return stdout.toArray();
    }

    /** What it wrote to stderr: a new array on each call. */
    public byte[] stderr() {
        return stderr.toArray();
    }

    /** What it wrote to stdout, as a stream that copies nothing: for large outputs. */
    public InputStream stdoutStream() {
        return stdout.stream();
    }

    /** How many bytes it wrote to stdout. */
    public long stdoutSize() {
        return stdout.size();
    }

    /** stdout as UTF-8 text; malformed bytes become U+FFFD, newlines stay as written. */
    public String stdoutText() {
        return stdout.text(StandardCharsets.UTF_8);
    }

    /** stderr as UTF-8 text; malformed bytes become U+FFFD, newlines stay as written. */
    public String stderrText() {
        return stderr.text(StandardCharsets.UTF_8);
    }

    /** stdout decoded with {@code charset}. */
    public String stdoutText(Charset charset) {
        return stdout.text(charset);
    }

    /** stderr decoded with {@code charset}. */
    public String stderrText(Charset charset) {
        return stderr.text(charset);
    }

    /**
     * Returns this if the child exited with 0.
     *
     * @throws ProcessFailedException otherwise, with the status, the arguments and the end of stderr
     */
    public CompletedProcess check() {
        if (!exitStatus.success()) {
            throw new ProcessFailedException(argv, exitStatus, Output.tail(stderr, STDERR_TAIL));
        }
        return this;
    }

    @Override
    public String toString() {
        return "CompletedProcess[" + String.join(" ", argv) + ", " + exitStatus + ", stdout "
                + stdout.size() + " bytes, stderr " + stderr.size() + " bytes]";
    }
}
