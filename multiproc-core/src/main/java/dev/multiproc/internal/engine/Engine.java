package dev.multiproc.internal.engine;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.internal.posix.Platform;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's process machinery, started on first use: one event thread, the table of
 * live children and the exit hook. Children are spawned on the caller's thread; however many
 * there are, the event thread is the only thread the library adds for them.
 */
public final class Engine {
    private static final class Holder {
        static final Engine INSTANCE = create();
    }

    private final EventLoop loop;
    private final Reclaimer reclaimer;
    private final Spawner spawner;
    private final ConcurrentHashMap<Integer, Child> live = new ConcurrentHashMap<>();
    private final int devNull;
    private Subreaper subreaper;
    private volatile Watchdog watchdog;
    private final ChildrenFile childrenFile = new ChildrenFile(this);
    /** This JVM's session, which a child started without {@code setsid} shares. */
    private final int session = ProcFs.stat(dev.multiproc.internal.posix.Processes.getpid())
            .map(ProcFs.Stat::session).orElse(-1);

    private Engine() throws ErrnoException {
        loop = new EventLoop();
        reclaimer = new Reclaimer(loop);
        spawner = new Spawner(loop, this);
        devNull = Fds.open("/dev/null", Fds.O_RDWR | Fds.O_CLOEXEC, 0);
        ExitPolicy.install(this);
    }

    private static Engine create() {
        try {
            return new Engine();
        } catch (ErrnoException e) {
            throw new MultiprocException("cannot start multiproc's engine: " + e.getMessage());
        }
    }

    /**
     * The engine, started on first call.
     *
     * @throws UnsupportedOperationException on a platform multiproc does not support, on
     *     every call (checked before any native code is linked, so that it is never an
     *     initializer error)
     */
    public static Engine get() {
        Platform.current();
        return Holder.INSTANCE;
    }

    /** Starts a child, on the calling thread; it is watched and reaped from then on. */
    public Child spawn(SpawnPlan plan) throws ErrnoException {
        return spawner.spawn(plan);
    }

    /** The event loop, for pipes and timers. */
    public EventLoop loop() {
        return loop;
    }

    /** Releases fds held by objects nobody can reach any more. */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    /** An fd open on {@code /dev/null} for reading and writing; never close it. */
    public int devNull() {
        return devNull;
    }

    /** The children started by this JVM that have not been reaped yet. */
    public List<Child> liveChildren() {
        return List.copyOf(live.values());
    }

    int session() {
        return session;
    }

    /** Installs the watchdog told of guarded children from now on. */
    public void watchdog(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    /** The watchdog, or null if no guarded child was ever started. */
    Watchdog watchdog() {
        return watchdog;
    }

    /** True if {@code pid} is a child this engine started and has not reaped yet. */
    boolean tracks(int pid) {
        return live.containsKey(pid);
    }

    /**
     * Makes this JVM a child subreaper and reaps the orphans it adopts from then on.
     *
     * @throws ErrnoException if the kernel refuses
     */
    public synchronized void becomeSubreaper() throws ErrnoException {
        if (subreaper == null) {
            subreaper = Subreaper.start(this);
        }
    }

    /** Reaps, now, every exited orphan this JVM adopted as a subreaper (for exit: no JDK wait matters then). */
    void reapOrphansNow() {
        Subreaper reaper;
        synchronized (this) {
            reaper = subreaper;
        }
        if (reaper != null) {
            reaper.reapAllUnclaimed();
        }
    }

    /** True if the kernel has this JVM as a child subreaper. */
    public boolean isSubreaper() throws ErrnoException {
        return Subreaper.active();
    }

    /**
     * Kills {@code pids} and their descendants: {@code first} to all, SIGKILL to what is left
     * after {@code grace}. For processes this engine did not start.
     */
    public void killTrees(java.util.Set<Integer> pids, dev.multiproc.Signal first, java.time.Duration grace)
            throws InterruptedException {
        ProcessTree.kill(List.of(), pids, first, grace);
    }

    void remember(Child child) {
        live.put(child.pid(), child);
        childrenFile.changed();
    }

    void forget(Child child) {
        live.remove(child.pid(), child);
        childrenFile.changed();
    }

    ChildrenFile childrenFile() {
        return childrenFile;
    }
}
