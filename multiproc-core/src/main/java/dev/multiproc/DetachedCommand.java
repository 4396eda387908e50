package dev.multiproc;

import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.io.Fd;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    private final Command command;

    DetachedCommand(Command command) {
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
     */
    public DetachedProcess start() throws IOException {
        String program = command.argv().getFirst();
        Path resolved = StartFailures.locate(program, command.directorySetting())
                .filter(Files::isRegularFile)
                .orElseThrow(() -> new ProcessStartException("Cannot run program \"" + program
                        + "\" detached: ENOENT (No such file or directory)", program, "ENOENT", null));
        if (!Files.isExecutable(resolved)) {
            throw new ProcessStartException("Cannot run program \"" + program + "\" detached: " + resolved
                    + " is not executable (EACCES)", program, "EACCES", null);
        }
        List<byte[]> argv = new ArrayList<>();
        for (String word : List.of("setsid", "sh", "-c", REPORT_PID_THEN_EXEC, resolved.toString())) {
            argv.add(word.getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> arguments = command.argvBytes();
        argv.addAll(arguments.subList(1, arguments.size()));
        Command intermediate = Command.ofBytes(argv).newProcessGroup().daemon(false).survivesParent()
                .stdin(command.stdinSetting()).stdout(command.stdoutSetting()).stderr(command.stderrSetting());
        if (command.directorySetting() != null) {
            intermediate = intermediate.directory(command.directorySetting());
        }
        intermediate = intermediate.withEnvironmentOf(command);
        int[] report = Fds.pipe2(Fds.O_CLOEXEC);
        Subprocess setsid;
        try {
            setsid = intermediate.start(-1, -1, List.of(new SpawnPlan.FdMapping(report[1], 3)), false);
        } catch (ProcessStartException e) {
            Fds.closeQuietly(report[0]);
            throw new ProcessStartException("Cannot run program \"" + program + "\" detached: detaching needs"
                    + " setsid(1) from util-linux: " + e.getMessage(), program, e.errorName(), e);
        } finally {
            Fds.closeQuietly(report[1]);
        }
        long pid = readPid(report[0], program, setsid);
        ExitStatus status;
        try {
            status = setsid.waitFor(REPORT_LIMIT).orElseThrow(() -> new IOException(
                    "setsid did not exit after detaching \"" + program + "\""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while detaching \"" + program + "\"");
        }
        if (!status.success()) {
            throw new IOException("setsid failed (" + status + ") while detaching \"" + program + "\"");
        }
        return pin(pid, program);
    }

    private static long readPid(int readEnd, String program, Subprocess setsid) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + REPORT_LIMIT.toNanos();
        try (Fd fd = new Fd(readEnd, Engine.get().loop())) {
            Fds.setNonBlocking(readEnd);
            byte[] buffer = new byte[32];
            while (true) {
                long n = fd.read(MemorySegment.ofArray(buffer));
                if (n > 0) {
                    text.write(buffer, 0, (int) n);
                } else if (n == 0) {
                    break;
                } else if (!fd.await(Epoll.EPOLLIN, deadline)) {
                    setsid.kill();
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
        return "detached " + command;
    }
}
