package dev.multiproc;

import dev.multiproc.internal.io.Bytes;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A timeout that passed before a child ended, carrying what it had written so far.
 * Python's {@code TimeoutExpired}: after {@link Subprocess#communicate} the child still runs
 * and a second call goes on where this one stopped; after {@link Command#run()} the child's
 * tree has been killed.
 */
public final class TimeoutExpiredException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String[] argv;
    private final Duration timeout;
    private final byte[] stdout;
    private final byte[] stderr;

    TimeoutExpiredException(List<String> argv, Duration timeout, Bytes stdout, Bytes stderr, String what) {
        this(argv, timeout, stdout.toArray(), stderr.toArray(), what);
    }

    TimeoutExpiredException(List<String> argv, Duration timeout, byte[] stdout, byte[] stderr, String what) {
        super("Command " + argv + " " + what + " after " + timeout);
        this.argv = argv.toArray(String[]::new);
        this.timeout = timeout;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The program and arguments that timed out. */
    public List<String> argv() {
        return List.of(argv);
    }

    /** The timeout that passed. */
    public Duration timeout() {
        return timeout;
    }

    /** What the child wrote to stdout before the timeout (a copy). */
    public byte[] stdout() {
        return stdout.clone();
    }

    /** What the child wrote to stderr before the timeout (a copy). */
    public byte[] stderr() {
        return stderr.clone();
    }

    /** {@link #stdout()} as UTF-8 text. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** {@link #stderr()} as UTF-8 text. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
