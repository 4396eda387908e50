package dev.multiproc.internal.guardian;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.engine.SpawnPlan;
import dev.multiproc.internal.engine.Watchdog;
import dev.multiproc.internal.jvm.JavaRuntime;
import dev.multiproc.internal.posix.Epoll;
import dev.multiproc.internal.posix.Errno;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This JVM's side of the {@link Guardian}: starts it on the first guarded command, tells it of
 * each guarded command started and reaped, and releases it at a normal exit.
 *
 * <h2>Never blocking, never losing a line</h2>
 * Lines are written to the non-blocking pipe at once, from the thread that starts a command or
 * the event thread (a reap). If the pipe is full (the guardian JVM is still starting and has
 * read nothing yet: the pipe holds about 25,000 lines first), lines wait in memory and the
 * event loop writes them when the pipe has room. The guardian is started by the thread that
 * starts the first guarded command, before that command exists, so no guarded command lives
 * a moment without a guardian.
 *
 * <h2>A guardian that dies</h2>
 * If the guardian ends while this JVM runs (someone killed it), a new one is started and
 * told every command still guarded.
 */
public final class GuardianLink implements Watchdog {
    private static final int PIPE_SIZE = 1 << 20;
    /** Small JVM: the guardian holds a few maps and waits. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx24m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    private static volatile GuardianLink instance;

    private final Engine engine;
    /** Held while a guardian is being started; never while {@code this} is locked. */
    private final Object starting = new Object();
    private final Map<Integer, String> guarded = new LinkedHashMap<>();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int writeEnd = -1;
    private long token = -1;
    private boolean released;

    private GuardianLink(Engine engine) {
        this.engine = engine;
    }

    /**
     * The link, with a running guardian: started on first call. Call it before starting a
     * guarded command.
     */
    public static synchronized GuardianLink ensureStarted(Engine engine) throws ErrnoException {
        if (instance == null) {
            instance = new GuardianLink(engine);
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

    private void start() throws ErrnoException {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try {
            Fds.fcntl(pipe[1], Fds.F_SETPIPE_SZ, PIPE_SIZE);
        } catch (ErrnoException e) {
            // the default size will do
        }
        Fds.setNonBlocking(pipe[1]);
        Child guardian;
        try {
            List<String> argv = JavaRuntime.current().libraryMain(Guardian.class, JVM_OPTIONS);
            guardian = engine.spawn(new SpawnPlan(argv, null, null,
                    new int[] {pipe[0], engine.devNull(), SpawnPlan.INHERIT}, List.of(), true, false,
                    Child.Kind.GUARDIAN, "multiproc-guardian", false, false));
        } catch (ErrnoException | RuntimeException e) {
            Fds.closeQuietly(pipe[1]);
            throw e;
        } finally {
            Fds.closeQuietly(pipe[0]);
        }
        synchronized (this) {
            writeEnd = pipe[1];
            token = -1;
            pending.clear();
            for (String line : guarded.values()) {
                write(line);
            }
        }
        guardian.exit().whenComplete((status, failure) -> restart(pipe[1]));
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
        }
        Thread.ofVirtual().name("multiproc-guardian-restart").start(() -> {
            try {
                startIfNeeded();
            } catch (ErrnoException e) {
                System.getLogger(GuardianLink.class.getName()).log(System.Logger.Level.ERROR,
                        "cannot restart the guardian; commands may outlive this JVM if it dies", e);
            }
        });
    }

    /** Tells the guardian of a guarded command just started. */
    @Override
    public synchronized void register(int pid, long earliestStart, long latestStart, boolean groupLeader,
                                      int session) {
        String line = "+ " + pid + " " + earliestStart + " " + latestStart + " " + (groupLeader ? 1 : 0) + " "
                + session + "\n";
        guarded.put(pid, line);
        write(line);
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
        }
    }

    private void write(String line) {
        if (writeEnd < 0) {
            return; // being restarted: the new guardian is told everything still guarded
        }
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        if (pending.isEmpty()) {
            long n = tryWrite(bytes);
            if (n == bytes.length) {
                return;
            }
            bytes = n > 0 ? java.util.Arrays.copyOfRange(bytes, (int) n, bytes.length) : bytes;
        }
        pending.add(bytes);
        armFlush();
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

    /** On the event loop: writes queued lines while the pipe takes them. */
    private synchronized void flush() {
        while (!pending.isEmpty() && writeEnd >= 0) {
            byte[] head = pending.peek();
            long n = tryWrite(head);
            if (n == head.length) {
                pending.poll();
            } else {
                if (n > 0) {
                    pending.poll();
                    pending.addFirst(java.util.Arrays.copyOfRange(head, (int) n, head.length));
                }
                armFlush();
                return;
            }
        }
    }
}
