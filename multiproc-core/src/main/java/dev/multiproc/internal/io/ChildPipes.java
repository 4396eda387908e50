package dev.multiproc.internal.io;

import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.ProcFs;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A child's stdin, stdout and stderr pipes from this JVM's side (null where a stream is not a
 * pipe), and who took each: the caller's streams, {@code communicate}, a pipeline. A pipe has
 * one writer or one reader, so a second taker is refused, naming the first; the same taker may
 * take it again.
 *
 * <h2>Pipes nobody took</h2>
 * When the child is reaped, the pipes nobody took are closed, as the JDK's {@code Process}
 * closes them, so that a child started and waited for keeps no fd until its handle is
 * collected: stdin at once, stdout and stderr after what they hold has been read and kept for
 * a later read ({@link PipeInputStream#closeKeepingWhatIsThere}). That runs where the child is
 * reaped (the event thread, or a waiter) and never waits. A stdin closed so is the child's
 * end, not the caller's doing: input for it is dropped, as on EPIPE, not refused.
 */
public final class ChildPipes {
    private static final String[] NAMES = {"stdin", "stdout", "stderr"};

    private final long pid;
    private final PipeOutputStream stdin;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final Redirect[] redirects;
    /** Guards what follows; never held while waiting. */
    private final Object lock = new Object();
    private final String[] takenBy = new String[3];
    private boolean untouchedClosed;
    private boolean stdinClosedAtTheEnd;

    /**
     * @param pid the child's, for messages
     * @param redirects what stdin, stdout and stderr are, for messages
     */
    public ChildPipes(long pid, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr,
                      Redirect... redirects) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.redirects = redirects.clone();
    }

    /** True if at least one stream is a pipe. */
    public boolean any() {
        return stdin != null || stdout != null || stderr != null;
    }

    public PipeOutputStream stdin() {
        return stdin;
    }

    public PipeInputStream stdout() {
        return stdout;
    }

    public PipeInputStream stderr() {
        return stderr;
    }

    /**
     * Marks pipe {@code fd} (0, 1 or 2) as used by {@code user}.
     *
     * @throws IllegalStateException if that stream is not a pipe, or another user took it
     */
    public void take(int fd, String user) {
        String name = NAMES[fd];
        if (pipe(fd) == null) {
            throw new IllegalStateException(name + " of process " + pid + " is not a pipe (it is "
                    + redirects[fd] + "); start it with " + name + "(Redirect.PIPE) to use it");
        }
        synchronized (lock) {
            if (takenBy[fd] != null && !takenBy[fd].equals(user)) {
                throw new IllegalStateException(name + " of process " + pid + " was already taken by "
                        + takenBy[fd] + "; a pipe has " + (fd == 0 ? "one writer" : "one reader"));
            }
            takenBy[fd] = user;
        }
    }

    private Closeable pipe(int fd) {
        return switch (fd) {
            case 0 -> stdin;
            case 1 -> stdout;
            default -> stderr;
        };
    }

    /** Closes the pipes nobody took, now that the child has ended; see the class comment. */
    public void closeUntouched() {
        synchronized (lock) {
            if (untouchedClosed) {
                return;
            }
            untouchedClosed = true;
            if (stdin != null && takenBy[0] == null) {
                stdin.fd().closeQuietly();
                stdinClosedAtTheEnd = true;
            }
            if (stdout != null && takenBy[1] == null) {
                stdout.closeKeepingWhatIsThere();
            }
            if (stderr != null && takenBy[2] == null) {
                stderr.closeKeepingWhatIsThere();
            }
        }
    }

    /**
     * Takes every pipe for {@code communicate} and starts it with {@code input}. Bytes written
     * through the caller's stdin come first: the input follows them.
     *
     * @throws IllegalStateException if there is input but stdin is not a pipe or the caller
     *     closed it, or if another reader took stdout or stderr
     */
    public Communicator communicate(byte[] input, CompletableFuture<?> childExit) {
        boolean hasInput = input != null && input.length > 0;
        if (hasInput && stdin == null) {
            throw new IllegalStateException("cannot send input to process " + pid + ": its stdin is "
                    + redirects[0] + ", not a pipe");
        }
        synchronized (lock) {
            if (hasInput && stdin.fd().isClosed() && !stdinClosedAtTheEnd) {
                throw new IllegalStateException("cannot send input to process " + pid
                        + ": its stdin was closed after stdin() was taken");
            }
            if (stdin != null && "stdin()".equals(takenBy[0])) {
                takenBy[0] = null; // what was written through stdin() comes first; the input follows
            }
            for (int fd = 0; fd < 3; fd++) {
                if (pipe(fd) != null) {
                    take(fd, "communicate()");
                }
            }
        }
        return new Communicator(stdin, input, Arrays.asList(stdout, stderr), childExit);
    }

    /** The fds of the pipes, for finding who else holds them. */
    public List<Fd> fds() {
        List<Fd> fds = new ArrayList<>(3);
        if (stdin != null) {
            fds.add(stdin.fd());
        }
        if (stdout != null) {
            fds.add(stdout.fd());
        }
        if (stderr != null) {
            fds.add(stderr.fd());
        }
        return fds;
    }

    /**
     * The pids of the other processes that hold an end of one of these pipes: a descendant
     * left behind by a child that already exited, say, which a kill of the child's tree must
     * reach too.
     */
    public Set<Integer> otherHolders() {
        return TreeKill.pipeHolders(fds());
    }

    /** Closes every pipe; the last failure, if any, is thrown once all were tried. */
    public void close() throws IOException {
        IOException failure = null;
        for (Closeable c : new Closeable[] {stdin, stdout, stderr}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
