package dev.multiproc;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.launch.Launcher;
import dev.multiproc.internal.launch.StartFailures;
import dev.multiproc.internal.launch.Started;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command to start as a detached process: Python's double fork. Made by
 * {@link Command#detached()}.
 *
 * <h2>How it is detached</h2>
 * {@code posix_spawn} cannot fork twice, so an intermediate does it: multiproc spawns
 * {@code setsid(1)} (util-linux) as the leader of a new process group, which makes it fork;
 * the fork calls {@code setsid()} and becomes a shell that reports its own pid on an
 * inherited pipe and then {@code exec}s the program. The intermediate exits at once and is
 * reaped; the program is left in a session of its own, its parent gone, so the kernel hands
 * it to PID 1 (or to the nearest subreaper). It never becomes this JVM's zombie, and this
 * JVM's exit, {@code System.exit} or death by SIGKILL do not touch it.
 */
public final class DetachedCommand {
    private static final String REPORT_PID_THEN_EXEC = "echo $$ >&3; exec 3>&-; exec \"$0\" \"$@\"";
    private static final Duration REPORT_LIMIT = Duration.ofSeconds(10);

    /** Where the setsid intermediate writes the pid of the program it became: its fd 3. */
    private static final int REPORT_FD = 3;

    /** The command, with the settings of a detached process (see {@code ChildSettings.detached()}). */
    private final LaunchRequest command;

    DetachedCommand(LaunchRequest command) {
        this.command = command;
    }

    /** The program and its arguments. */
    public List<String> argv() {
        return command.argv();
    }

    /**
     * Starts the program detached and returns a handle to it.
     *
     * @throws ProcessStartException if the program is missing or not executable, or the
     *     intermediate {@code setsid} cannot run
     * @throws IOException if the intermediate did not report the program's pid, or failed
     */
    public DetachedProcess start() throws IOException {
        String program = command.program();
        Path directory = command.settings().directory();
        Path resolved = StartFailures.locate(program, directory)
                .filter(Files::isRegularFile)
                .orElseThrow(() -> StartFailures.detachedNotFound(program));
        if (!Files.isExecutable(resolved)) {
            throw StartFailures.detachedNotExecutable(program, resolved);
        }
        List<String> argv = new ArrayList<>(List.of("setsid", "sh", "-c", REPORT_PID_THEN_EXEC, resolved.toString()));
        List<byte[]> argvBytes = new ArrayList<>();
        for (String word : argv) {
            argvBytes.add(word.getBytes(StandardCharsets.UTF_8));
        }
        argv.addAll(command.argv().subList(1, command.argv().size()));
        argvBytes.addAll(command.argvBytes().subList(1, command.argvBytes().size()));
        // The intermediate: a command that survives this JVM, leads a group of its own, and reports on fd 3.
        LaunchRequest intermediate = LaunchRequest.of(Child.Kind.COMMAND, null, argv, argvBytes, command.settings())
                .withGrouping(SpawnPlan.Grouping.NEW_GROUP)
                .withChannel(REPORT_FD, false);
        Child setsid;
        int report;
        try {
            Started started = Launcher.launch(intermediate);
            setsid = started.child();
            report = started.channel(REPORT_FD);
        } catch (ProcessStartException e) {
            throw StartFailures.detachedNeedsSetsid(program, e);
        }
        long pid = readPid(report, program, setsid);
        ExitStatus status;
        try {
            status = setsid.exit().get(REPORT_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("setsid did not exit after detaching \"" + program + "\"");
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit future failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while detaching \"" + program + "\"");
        }
        if (!status.success()) {
            throw new IOException("setsid failed (" + status + ") while detaching \"" + program + "\"");
        }
        return pin(pid, program);
    }

    private static long readPid(int readEnd, String program, Child setsid) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + REPORT_LIMIT.toNanos();
        try (Fd fd = new Fd(readEnd, Engine.get().loop())) {
            byte[] buffer = new byte[32];
            while (true) {
                long n = fd.read(MemorySegment.ofArray(buffer));
                if (n > 0) {
                    text.write(buffer, 0, (int) n);
                } else if (n == 0) {
                    break;
                } else if (!fd.await(Epoll.EPOLLIN, deadline)) {
                    setsid.signal(Signal.SIGKILL);
                    throw new IOException("no pid reported within " + REPORT_LIMIT + " while detaching \"" + program + "\"");
                }
            }
        }
        String pid = text.toString(StandardCharsets.US_ASCII).strip();
        if (!pid.matches("\\d+")) {
            throw new IOException("detaching \"" + program + "\" failed: no pid reported (\"" + pid + "\")");
        }
        return Long.parseLong(pid);
    }

    /** Pins the detached process with a pidfd, checking it is the session leader we made. */
    private static DetachedProcess pin(long pid, String program) throws IOException {
        int pidfd;
        try {
            pidfd = Pidfd.pidfd_open(pid);
        } catch (ErrnoException e) {
            return DetachedProcess.ended(pid, program); // it already ended: nothing to pin
        }
        Optional<ProcFs.Stat> stat = ProcFs.stat((int) pid);
        if (stat.isEmpty() || stat.get().session() != pid) {
            Fds.closeQuietly(pidfd);
            return DetachedProcess.ended(pid, program);
        }
        return new DetachedProcess(pid, pidfd, program);
    }

    @Override
    public String toString() {
        return "detached " + String.join(" ", command.argv());
    }
}
