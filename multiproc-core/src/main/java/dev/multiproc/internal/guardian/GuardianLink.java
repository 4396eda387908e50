package dev.multiproc.internal.guardian;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.Watchdog;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Pidfd;
import dev.multiproc.internal.posix.Processes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This JVM's side of the {@link Guardian}: starts it on the first guarded command, tells it of
 * each guarded command before and after its spawn and when it is reaped, of the children to
 * spare, and releases it at a normal exit.
 *
 * <h2>Announcements reach the kernel before the fork</h2>
 * A line announcing a spawn ({@link #announce}) is worth something only if it is in the pipe
 * when this JVM dies, so it is written by the spawning thread itself, whole (a line is shorter
 * than {@code PIPE_BUF}, so a non-blocking write takes all of it or none), and the thread does
 * not fork until it is there: if the pipe is full it waits for room. It may overtake lines
 * queued in memory; nothing depends on that order, since the line that resolves an
 * announcement is written after it.
 *
 * <h2>Other lines never block</h2>
 * The other lines are written to the non-blocking pipe at once, from the thread that starts a
 * command or the event thread (a reap). If the pipe is full (the guardian JVM is still starting
 * and has read nothing yet: the pipe holds about 25,000 lines first), they wait in memory and
 * the event loop writes them when the pipe has room. A line lost that way when this JVM dies
 * leaves an announcement unresolved, and the guardian then looks for that child itself. The
 * guardian is started by the thread that starts the first guarded command, before that
 * command exists, so no guarded command lives a moment without a guardian.
 *
 * <h2>How a guardian is started</h2>
 * Through the library's one launcher, which calls {@link #ensureStarted} before it starts a
 * guarded command and hands over, as a {@link GuardianStart}, the way to start the guardian
 * itself: the launcher needs this link, so this link does not import the launcher.
 *
 * <h2>A guardian that dies</h2>
 * If the guardian ends while this JVM runs (someone killed it), a new one is started and
 * told every command still guarded and every spawn still announced; a thread that announces
 * meanwhile starts it itself rather than wait.
 */
public final class GuardianLink implements Watchdog {
    /**
     * The pipe's size. A test makes it small ({@code -Ddev.multiproc.guardianPipeBytes=4096}) to
     * see spawning threads wait for room.
     */
    private static final int PIPE_SIZE = Integer.getInteger("dev.multiproc.guardianPipeBytes", 1 << 20);
    /** Small JVM: the guardian holds a few maps and waits. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx24m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");
    /** How long a thread waiting for room in the pipe sleeps before it looks again, if not woken. */
    private static final long ROOM_WAIT_MILLIS = 50;

    private static volatile GuardianLink instance;

    private final Engine engine;
    private final GuardianStart launcher;
    /** Held while a guardian is being started; never while {@code this} is locked. */
    private final Object starting = new Object();
    private final Map<Integer, String> guarded = new LinkedHashMap<>();
    /** Spawns announced and not resolved yet, by number: their lines, for a new guardian. */
    private final Map<Long, String> announced = new HashMap<>();
    /** Lines waiting in memory for room in the pipe, oldest first. */
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private long nextAnnouncement;
    private int writeEnd = -1;
    private long token = -1;
    private boolean released;
    /** Threads in {@link #announce} waiting for room in the pipe. */
    private int waitingForRoom;

    /** How the launcher starts a guardian. */
    @FunctionalInterface
    public interface GuardianStart {
        /**
         * Starts a guardian running {@code argv}, in a session of its own, whose stdin is
         * {@code pipeReadEnd} (which stays the caller's), whose stdout is {@code /dev/null}, and
         * which gets {@code selfPidfd} at fd {@code pidfdAt} unless it is -1.
         *
         * @throws RuntimeException (a {@code ProcessStartException}) if it cannot be started
         */
        Child start(List<String> argv, int pipeReadEnd, int selfPidfd, int pidfdAt);
    }

    private GuardianLink(Engine engine, GuardianStart launcher) {
        this.engine = engine;
        this.launcher = launcher;
    }

    /**
     * The link, with a running guardian: started on first call, with {@code launcher} (which the
     * first call hands over for good). Call it before starting a guarded command.
     *
     * @throws ErrnoException if the guardian's pipe cannot be made
     * @throws RuntimeException (a {@code ProcessStartException}) if the guardian cannot be started
     */
    public static synchronized GuardianLink ensureStarted(Engine engine, GuardianStart launcher) throws ErrnoException {
        if (instance == null) {
            instance = new GuardianLink(engine, launcher);
            engine.watchdog(instance);
        }
        instance.startIfNeeded();
        return instance;
    }

    /** The link if a guardian was ever started, else null. */
    public static GuardianLink existing() {
        return instance;
    }

    /**
     * Starts a guardian unless one runs. {@code this} is not locked during the guardian's
     * spawn: other threads starting commands, and the event thread reaping them, call
     * {@link #register} and {@link #forget} meanwhile.
     */
    private void startIfNeeded() throws ErrnoException {
        synchronized (starting) {
            synchronized (this) {
                if (writeEnd >= 0 || released) {
                    return;
                }
            }
            start();
        }
    }

    /**
     * Starts a guardian. Its pipe takes lines before the guardian's spawn: every line about a
     * command still guarded or a spawn still announced is in the pipe before the guardian
     * exists, and lines written meanwhile wait there for it.
     */
    private void start() throws ErrnoException {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try {
            Fds.fcntl(pipe[1], Fds.F_SETPIPE_SZ, PIPE_SIZE);
        } catch (ErrnoException e) {
            // the default size will do
        }
        try {
            Fds.setNonBlocking(pipe[1]);
        } catch (ErrnoException e) {
            Fds.closeQuietly(pipe[0]);
            Fds.closeQuietly(pipe[1]);
            throw e;
        }
        synchronized (this) {
            writeEnd = pipe[1];
            token = -1;
            queued.clear();
            for (String line : guarded.values()) {
                write(line);
            }
            for (String line : announced.values()) {
                write(line);
            }
            notifyAll();
        }
        Child guardian;
        int selfPidfd = -1;
        try {
            selfPidfd = pidfdOfSelf();
            guardian = launcher.start(guardianArgv(selfPidfd >= 0), pipe[0], selfPidfd, Guardian.PARENT_PIDFD);
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                if (token >= 0) {
                    engine.loop().remove(writeEnd, token);
                }
                writeEnd = -1;
                token = -1;
                queued.clear();
                Fds.closeQuietly(pipe[1]);
            }
            throw e;
        } finally {
            Fds.closeQuietly(pipe[0]);
            Fds.closeQuietly(selfPidfd);
        }
        guardian.exit().whenComplete((status, failure) -> restart(pipe[1]));
    }

    /**
     * A pidfd of this JVM for the guardian, which learns from it when the JVM has exited to the
     * last thread; -1 if none can be opened (the guardian then opens one itself).
     */
    private static int pidfdOfSelf() {
        try {
            return Pidfd.pidfd_open(Processes.getpid());
        } catch (ErrnoException e) {
            return -1;
        }
    }

    /**
     * The guardian's command: it is told this JVM's pid, session and process group, read now,
     * whether it inherits a pidfd of this JVM, and gets this JVM's temporary directory, where
     * the children file may be.
     */
    private static List<String> guardianArgv(boolean pidfdPassed) {
        int self = Processes.getpid();
        ProcFs.Stat me = ProcFs.stat(self).orElse(null);
        List<String> options = new ArrayList<>(JVM_OPTIONS);
        options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        List<String> argv = new ArrayList<>(HelperJvm.command(Guardian.class, options));
        argv.add(Integer.toString(self));
        argv.add(Integer.toString(me == null ? -1 : me.session()));
        argv.add(Integer.toString(me == null ? -1 : me.pgrp()));
        argv.add(pidfdPassed ? Integer.toString(Guardian.PARENT_PIDFD) : "-1");
        return argv;
    }

    /** A guardian that ended while we still run is replaced (on a virtual thread: spawning waits). */
    private void restart(int deadWriteEnd) {
        synchronized (this) {
            if (released || writeEnd != deadWriteEnd) {
                return;
            }
            if (token >= 0) {
                engine.loop().remove(writeEnd, token);
            }
            Fds.closeQuietly(writeEnd);
            writeEnd = -1;
            notifyAll(); // an announcing thread starts the new guardian itself
        }
        Thread.ofVirtual().name("multiproc-guardian-restart").start(() -> {
            try {
                startIfNeeded();
            } catch (ErrnoException | RuntimeException e) {
                System.getLogger(GuardianLink.class.getName()).log(System.Logger.Level.ERROR,
                        "cannot restart the guardian; commands may outlive this JVM if it dies", e);
            }
        });
    }

    /**
     * Tells the guardian a guarded command is about to be spawned, and returns once the line
     * is in the pipe; see the class comment.
     */
    @Override
    public long announce(long before, boolean newProcessGroup, boolean newSession) throws ErrnoException {
        long number;
        String line;
        synchronized (this) {
            if (released) {
                return NONE;
            }
            number = nextAnnouncement++;
            line = "? " + number + " " + before + " " + (newSession ? 's' : newProcessGroup ? 'g' : 'p') + "\n";
        }
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (this) {
                    while (writeEnd >= 0 && !released) {
                        if (writeWhole(bytes)) {
                            announced.put(number, line);
                            return number;
                        }
                        // No room, or the guardian is gone and restart() has yet to see it.
                        waitingForRoom++;
                        armFlush();
                        try {
                            wait(ROOM_WAIT_MILLIS);
                        } catch (InterruptedException e) {
                            interrupted = true; // the spawn goes on; the caller sees the interrupt after it
                        } finally {
                            waitingForRoom--;
                        }
                    }
                    if (released) {
                        return NONE;
                    }
                }
                startIfNeeded(); // the guardian died: start the next one here rather than wait for it
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tells the guardian of a guarded command just started, resolving its announcement. */
    @Override
    public synchronized void register(int pid, long earliestStart, long latestStart, boolean groupLeader,
                                      int session, long announcement) {
        String line = "+ " + pid + " " + earliestStart + " " + latestStart + " " + (groupLeader ? 1 : 0) + " "
                + session + " " + announcement + "\n";
        announced.remove(announcement);
        guarded.put(pid, line);
        write(line);
    }

    /** Tells the guardian an announced spawn made no child. */
    @Override
    public synchronized void abandon(long announcement) {
        if (announced.remove(announcement) != null) {
            write("x " + announcement + "\n");
        }
    }

    /** Tells the guardian of a child it must not take for a guarded one. */
    @Override
    public synchronized void spare(int pid, long earliestStart, long latestStart) {
        write("s " + pid + " " + earliestStart + " " + latestStart + "\n");
    }

    /** Tells the guardian a guarded command was reaped. */
    @Override
    public synchronized void forget(int pid) {
        if (guarded.remove(pid) != null) {
            write("- " + pid + "\n");
        }
    }

    /** At a normal exit: the guardian leaves every command be and exits. */
    @Override
    public synchronized void release() {
        if (!released) {
            write("release\n");
            released = true;
            notifyAll();
        }
    }

    private void write(String line) {
        if (writeEnd < 0) {
            return; // being restarted: the new guardian is told everything still guarded
        }
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        if (queued.isEmpty()) {
            long n = tryWrite(bytes);
            if (n == bytes.length) {
                return;
            }
            bytes = n > 0 ? Arrays.copyOfRange(bytes, (int) n, bytes.length) : bytes;
        }
        queued.add(bytes);
        armFlush();
    }

    /**
     * Writes {@code line} whole into the pipe now: true if it is there, false if the pipe has no
     * room for it or the guardian is gone.
     */
    private boolean writeWhole(byte[] line) {
        try {
            return Fds.write(writeEnd, MemorySegment.ofArray(line)) == line.length;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EPIPE) {
                System.getLogger(GuardianLink.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot write to the guardian", e);
            }
            return false;
        }
    }

    /** Writes what fits now: the count, 0 if the pipe is full or the guardian gone. */
    private long tryWrite(byte[] bytes) {
        try {
            long n = Fds.write(writeEnd, MemorySegment.ofArray(bytes));
            return n == Fds.WOULD_BLOCK ? 0 : n;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EPIPE) {
                System.getLogger(GuardianLink.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot write to the guardian", e);
            }
            return bytes.length; // the guardian is gone; restart() retells everything
        }
    }

    private void armFlush() {
        EventLoop loop = engine.loop();
        try {
            if (token < 0) {
                token = loop.add(writeEnd, Epoll.EPOLLOUT | Epoll.EPOLLONESHOT, events -> flush());
            } else {
                loop.modify(writeEnd, token, Epoll.EPOLLOUT | Epoll.EPOLLONESHOT);
            }
        } catch (ErrnoException e) {
            System.getLogger(GuardianLink.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot wait for the guardian's pipe", e);
        }
    }

    /** On the event loop: writes queued lines while the pipe takes them, then wakes announcing threads. */
    private synchronized void flush() {
        if (waitingForRoom > 0) {
            notifyAll();
        }
        while (!queued.isEmpty() && writeEnd >= 0) {
            byte[] head = queued.peek();
            long n = tryWrite(head);
            if (n == head.length) {
                queued.poll();
            } else {
                if (n > 0) {
                    queued.poll();
                    queued.addFirst(Arrays.copyOfRange(head, (int) n, head.length));
                }
                armFlush();
                return;
            }
        }
    }
}
