package dev.multiproc.internal.launch;

import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.guardian.GuardianLink;
import dev.multiproc.internal.io.Stdio;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way the library starts a child: commands, pipelines' stages, detached commands'
 * intermediates, child JVMs, pool workers, the AOT cache's training runs and the guardian all
 * come here, and nothing else calls {@link Engine#spawn} (a test checks it).
 *
 * <h2>A launch, step by step</h2>
 * <ol>
 *   <li>The working directory is checked: {@code posix_spawnp} reports a missing directory and
 *   a missing program with the same ENOENT.</li>
 *   <li>The fds to pass are checked to be open (a closed one is the caller's mistake).</li>
 *   <li>A guarded child (a command that does not survive its parent) needs the guardian: it is
 *   started first if none runs, so that no guarded child lives a moment unwatched.</li>
 *   <li>The pipes the child's kind asks for (a child JVM's control channel) are made, then its
 *   stdio is opened (pipes, files, {@code /dev/null}).</li>
 *   <li>The child is spawned, on the calling thread; the child's ends are closed here once it
 *   holds its own copies.</li>
 * </ol>
 * Each step that fails closes what the steps before it opened, and its failure is worded by
 * {@link StartFailures}, whatever the kind of child: nothing is left behind, and the same
 * mistake reads the same for a command and a child JVM.
 *
 * <h2>The guardian's own start</h2>
 * The guardian is a child too, started here; {@link GuardianLink} is handed
 * {@link #startGuardian} as the way to start it (and to restart it when it dies), so that the
 * guardian's package needs nothing of this one.
 */
public final class Launcher {
    private Launcher() {}

    /**
     * Starts the child {@code request} describes.
     *
     * @return the child, watched and reaped from now on, with this JVM's ends of its pipes
     * @throws ProcessStartException if the directory is missing, a pipe or a redirect's file
     *     cannot be opened, the guardian cannot be started, or the program cannot be run;
     *     nothing is left behind
     * @throws IllegalArgumentException if an fd to pass is not open in this JVM
     * @throws UnsupportedOperationException if this is not Linux on x86_64 or aarch64
     */
    public static Started launch(LaunchRequest request) {
        ChildSettings settings = request.settings();
        if (settings.directory() != null && !Files.isDirectory(settings.directory())) {
            throw StartFailures.directory(request);
        }
        Engine engine = Engine.get();
        List<SpawnPlan.FdMapping> passed = new ArrayList<>(request.fds());
        for (int fd : settings.passedFds()) {
            Checks.openInThisJvm(fd, request.program());
            passed.add(new SpawnPlan.FdMapping(fd, fd));
        }
        if (request.guarded()) {
            ensureGuardian(request, engine);
        }
        List<Pipe> channels = channels(request);
        for (Pipe pipe : channels) {
            passed.add(new SpawnPlan.FdMapping(pipe.childEnd(), pipe.channel().childFd()));
        }
        Stdio stdio;
        try {
            stdio = Stdio.open(settings.stdin(), settings.stdout(), settings.stderr(), engine, request.stdinFd(),
                    request.stdoutFd());
        } catch (Stdio.Failure e) {
            closeAll(channels);
            throw StartFailures.stdio(request, e);
        } catch (RuntimeException | Error e) {
            closeAll(channels);
            throw e;
        }
        Child child;
        try (stdio) {
            child = engine.spawn(plan(request, stdio.childFds(), passed));
        } catch (ErrnoException e) {
            stdio.closeParentEnds();
            closeAll(channels);
            throw StartFailures.spawn(request, e);
        } catch (RuntimeException | Error e) {
            stdio.closeParentEnds();
            closeAll(channels);
            throw e;
        }
        Map<Integer, Integer> parentEnds = new LinkedHashMap<>();
        for (Pipe pipe : channels) {
            Fds.closeQuietly(pipe.childEnd());
            parentEnds.put(pipe.channel().childFd(), pipe.parentEnd());
        }
        return new Started(child, stdio.stdinPipe(engine), stdio.outputPipe(1, engine), stdio.outputPipe(2, engine),
                Map.copyOf(parentEnds));
    }

    private static SpawnPlan plan(LaunchRequest request, int[] stdio, List<SpawnPlan.FdMapping> passed) {
        ChildSettings settings = request.settings();
        return SpawnPlan.builder(request.kind(), request.argv(), request.argvBytes())
                .environment(settings.environmentEntries())
                .directory(settings.directory() == null ? null : settings.directory().toString())
                .stdio(stdio)
                .passed(passed)
                .grouping(request.grouping())
                .name(request.name())
                .daemon(settings.daemon())
                .guarded(request.guarded())
                .build();
    }

    /** Starts the guardian unless one runs; a failure is the guarded child's start failure. */
    private static void ensureGuardian(LaunchRequest request, Engine engine) {
        try {
            GuardianLink.ensureStarted(engine, Launcher::startGuardian);
        } catch (ErrnoException | RuntimeException e) {
            throw StartFailures.guardian(request, e);
        }
    }

    /**
     * Starts a guardian running {@code argv}: in a session of its own, its stdin the read end
     * of its pipe ({@code pipeReadEnd}, which stays the caller's), its stdout {@code /dev/null},
     * and this JVM's pidfd at {@code pidfdAt} if {@code selfPidfd} is one (not -1).
     */
    private static Child startGuardian(List<String> argv, int pipeReadEnd, int selfPidfd, int pidfdAt) {
        LaunchRequest request = LaunchRequest.ofText(Child.Kind.GUARDIAN, "multiproc-guardian", argv,
                        ChildSettings.COMMAND.withStdout(Redirect.DISCARD).withStderr(Redirect.INHERIT)
                                .withDaemon(false))
                .withGrouping(SpawnPlan.Grouping.NEW_SESSION)
                .withStdioFds(pipeReadEnd, -1);
        if (selfPidfd >= 0) {
            request = request.withFd(selfPidfd, pidfdAt);
        }
        return launch(request).child();
    }

    /** A pipe made for a {@link LaunchRequest.Channel}. */
    private record Pipe(LaunchRequest.Channel channel, int readEnd, int writeEnd) {
        int childEnd() {
            return channel.toChild() ? readEnd : writeEnd;
        }

        int parentEnd() {
            return channel.toChild() ? writeEnd : readEnd;
        }
    }

    /** The pipes the request asks for, this JVM's ends non-blocking; none left open if one fails. */
    private static List<Pipe> channels(LaunchRequest request) {
        List<Pipe> pipes = new ArrayList<>();
        for (LaunchRequest.Channel c : request.channels()) {
            try {
                int[] fds = Fds.pipe2(Fds.O_CLOEXEC);
                Pipe pipe = new Pipe(c, fds[0], fds[1]);
                pipes.add(pipe);
                Fds.setNonBlocking(pipe.parentEnd());
            } catch (ErrnoException e) {
                closeAll(pipes);
                throw StartFailures.pipe(request, "a pipe for its fd " + c.childFd(), e);
            }
        }
        return pipes;
    }

    private static void closeAll(List<Pipe> pipes) {
        for (Pipe pipe : pipes) {
            Fds.closeQuietly(pipe.readEnd());
            Fds.closeQuietly(pipe.writeEnd());
        }
    }
}
