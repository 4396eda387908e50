package dev.multiproc.internal.io;

import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.nio.file.Path;

/**
 * The fds behind a child's stdin, stdout and stderr while it is being started: the ends the
 * child gets (closed here once it has them) and the ends this JVM keeps (pipes only). It
 * words nothing: a pipe or file that cannot be opened is a {@link Failure} saying which
 * stream and which file, which the launcher turns into its message.
 */
public final class Stdio implements AutoCloseable {
    private final int[] childFds = {SpawnPlan.INHERIT, SpawnPlan.INHERIT, SpawnPlan.INHERIT};
    private final boolean[] ownedByUs = new boolean[3];
    private final int[] parentFds = {-1, -1, -1};

    /**
     * A stream that could not be set up: a pipe that could not be made ({@link #file()} is
     * null) or a file that could not be opened; the cause is the failed call.
     */
    public static final class Failure extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        private final int stream;
        private final transient Path file;

        Failure(int stream, Path file, ErrnoException cause) {
            super(cause.getMessage(), cause);
            this.stream = stream;
            this.file = file;
        }

        /** Which stream: 0, 1 or 2. */
        public int stream() {
            return stream;
        }

        /** The file that could not be opened, or null for a pipe that could not be made. */
        public Path file() {
            return file;
        }

        /** The failed call. */
        public ErrnoException errno() {
            return (ErrnoException) getCause();
        }
    }

    private Stdio() {}

    /**
     * Opens pipes and files for the three redirects; on failure closes what it opened.
     * {@code stdinFd}/{@code stdoutFd}, when not -1, are this JVM's fds to give the child
     * instead (a pipeline's inner pipes, the guardian's pipe); they stay the caller's to close.
     *
     * @throws Failure if a pipe cannot be made or a file cannot be opened
     */
    public static Stdio open(Redirect in, Redirect out, Redirect err, Engine engine, int stdinFd, int stdoutFd)
            throws Failure {
        Stdio stdio = new Stdio();
        try {
            if (stdinFd >= 0) {
                stdio.childFds[0] = stdinFd;
            } else {
                stdio.setUp(0, in, engine);
            }
            if (stdoutFd >= 0) {
                stdio.childFds[1] = stdoutFd;
            } else {
                stdio.setUp(1, out, engine);
            }
            stdio.setUp(2, err, engine);
            return stdio;
        } catch (Failure | RuntimeException e) {
            stdio.close();
            stdio.closeParentEnds();
            throw e;
        }
    }

    private void setUp(int target, Redirect redirect, Engine engine) throws Failure {
        switch (redirect) {
            case Redirect.Standard.INHERIT -> { }
            case Redirect.Standard.DISCARD -> childFds[target] = engine.devNull();
            case Redirect.Standard.TO_STDOUT -> childFds[target] = SpawnPlan.SAME_AS_STDOUT;
            case Redirect.Standard.PIPE -> {
                try {
                    int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
                    boolean input = target == 0;
                    own(target, input ? pipe[0] : pipe[1]);
                    parentFds[target] = input ? pipe[1] : pipe[0];
                    Fds.setNonBlocking(parentFds[target]);
                } catch (ErrnoException e) {
                    throw new Failure(target, null, e);
                }
            }
            case Redirect.WriteFile(Path file, boolean append) -> own(target, openFile(file,
                    Fds.O_WRONLY | Fds.O_CREAT | Fds.O_CLOEXEC | (append ? Fds.O_APPEND : Fds.O_TRUNC), target));
            case Redirect.ReadFile(Path file) -> own(target, openFile(file, Fds.O_RDONLY | Fds.O_CLOEXEC, target));
        }
    }

    private void own(int target, int fd) {
        childFds[target] = fd;
        ownedByUs[target] = true;
    }

    private static int openFile(Path file, int flags, int target) throws Failure {
        try {
            return Fds.open(file.toString(), flags, 0666);
        } catch (ErrnoException e) {
            throw new Failure(target, file, e);
        }
    }
    /** What the child gets at fds 0, 1 and 2, in {@link SpawnPlan#stdio()} terms. */
    public int[] childFds() {
        return childFds.clone();
    }

    /** This JVM's write end of the child's stdin, handed over to the caller; null if not a pipe. */
    public PipeOutputStream stdinPipe(Engine engine) {
        int fd = handOver(0);
        return fd < 0 ? null : new PipeOutputStream(new Fd(fd, engine.loop()), engine.reclaimer());
    }

    /** This JVM's read end of the child's stdout (1) or stderr (2), handed over; null if not a pipe. */
    public PipeInputStream outputPipe(int target, Engine engine) {
        int fd = handOver(target);
        return fd < 0 ? null : new PipeInputStream(new Fd(fd, engine.loop()), engine.reclaimer());
    }

    private int handOver(int target) {
        int fd = parentFds[target];
        parentFds[target] = -1;
        return fd;
    }

    /** Closes this JVM's ends not handed over yet, for a start that failed. */
    public void closeParentEnds() {
        for (int i = 0; i < 3; i++) {
            Fds.closeQuietly(parentFds[i]);
            parentFds[i] = -1;
        }
    }

    /** Closes the child's ends in this JVM: after the spawn, the child holds its own copies. */
    @Override
    public void close() {
        for (int i = 0; i < 3; i++) {
            if (ownedByUs[i]) {
                Fds.closeQuietly(childFds[i]);
                ownedByUs[i] = false;
            }
        }
    }
}
