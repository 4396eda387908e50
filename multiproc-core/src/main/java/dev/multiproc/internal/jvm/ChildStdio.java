package dev.multiproc.internal.jvm;

import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A child JVM's fds 0–2 while it is being spawned: stdin is always {@code /dev/null} (as in
 * Python's {@code multiprocessing}); stdout and stderr follow their redirects, except that an
 * inherited stderr may be routed through a pipe so that this JVM can keep its tail.
 */
final class ChildStdio implements AutoCloseable {
    private final int[] childFds = {SpawnPlan.INHERIT, SpawnPlan.INHERIT, SpawnPlan.INHERIT};
    private final boolean[] owned = new boolean[3];
    private final int[] parentFds = {-1, -1, -1};

    private ChildStdio() {}

    static ChildStdio open(LaunchSpec spec, Engine engine) throws IOException {
        ChildStdio stdio = new ChildStdio();
        try {
            stdio.childFds[0] = engine.devNull();
            stdio.setUp(1, spec.stdout(), false, engine);
            stdio.setUp(2, spec.stderr(), spec.tailStderr(), engine);
            return stdio;
        } catch (IOException | RuntimeException e) {
            stdio.close();
            stdio.closeParentEnds();
            throw e;
        }
    }

    private void setUp(int target, Redirect redirect, boolean tail, Engine engine) throws IOException {
        if (tail) {
            pipe(target);
            return;
        }
        switch (redirect) {
            case Redirect.Standard.INHERIT -> { }
            case Redirect.Standard.DISCARD -> childFds[target] = engine.devNull();
            case Redirect.Standard.TO_STDOUT -> childFds[target] = SpawnPlan.SAME_AS_STDOUT;
            case Redirect.Standard.PIPE -> pipe(target);
            case Redirect.WriteFile(Path file, boolean append) -> own(target, openFile(file,
                    Fds.O_WRONLY | Fds.O_CREAT | Fds.O_CLOEXEC | (append ? Fds.O_APPEND : Fds.O_TRUNC), target));
            case Redirect.ReadFile r -> throw new IllegalArgumentException(
                    (target == 1 ? "stdout" : "stderr") + " cannot be " + r + ": it is an input redirect");
        }
    }

    private void pipe(int target) throws ErrnoException {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        own(target, pipe[1]);
        parentFds[target] = pipe[0];
        Fds.setNonBlocking(pipe[0]);
    }

    private void own(int target, int fd) {
        childFds[target] = fd;
        owned[target] = true;
    }

    private static int openFile(Path file, int flags, int target) throws IOException {
        try {
            return Fds.open(file.toString(), flags, 0666);
        } catch (ErrnoException e) {
            String stream = target == 1 ? "stdout" : "stderr";
            throw new ProcessStartException("Cannot start a child JVM: cannot open \"" + file + "\" for its "
                    + stream + ": " + e.errnoName() + " (" + e.reason() + ")", "java", e.errnoName(), e);
        }
    }

    int[] childFds() {
        return childFds.clone();
    }

    /** This JVM's read end of the child's stdout (1) or stderr (2), or null if none. */
    PipeInputStream parentEnd(int target, Engine engine) {
        int fd = parentFds[target];
        parentFds[target] = -1;
        return fd < 0 ? null : new PipeInputStream(new Fd(fd, engine.loop()));
    }

    /** Closes this JVM's ends that were not handed out, for a start that failed. */
    void closeParentEnds() {
        for (int i = 0; i < 3; i++) {
            Fds.closeQuietly(parentFds[i]);
            parentFds[i] = -1;
        }
    }

    /** Closes the child's ends in this JVM: after the spawn, the child holds its own copies. */
    @Override
    public void close() {
        for (int i = 0; i < 3; i++) {
            if (owned[i]) {
                Fds.closeQuietly(childFds[i]);
                owned[i] = false;
            }
        }
    }
}
