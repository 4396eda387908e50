package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.FdSlots;
import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.RemoteFailure;
import dev.multiproc.internal.wire.Serial;
import dev.multiproc.internal.wire.SerialLimits;
import dev.multiproc.internal.wire.Values;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import dev.multiproc.internal.wire.WorkerSetup;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The main loop of a pool's worker JVM (a child started with {@code --worker}): runs the jobs
 * its parent sends, one at a time, in order, and answers each with one frame tagged with the
 * job's number and the key its parent gave it (see {@link Protocol}).
 *
 * <h2>Answers are written before the next job starts</h2>
 * A job's answer goes into the pipe as soon as the job ends, even when more jobs are waiting.
 * A pipe keeps what was written into it after its writer dies, so when this JVM dies (SIGKILL,
 * {@code System.exit}, a crash), every job before the one that was running has its answer in
 * the pipe, and the parent knows exactly which job was running: the first one unanswered.
 * Batching answers inside this JVM would have made an innocent job look like the culprit.
 * Answers are still read in batches by the parent: one read takes whatever is in the pipe.
 *
 * <h2>Skipping</h2>
 * Before each job, what is already in the pipe is read and parsed, so that a {@link
 * Protocol#SKIP} sent after a job was queued here is seen before that job is reached; and while
 * a job runs, the {@link Lifeline}'s thread does the same at each of its polls, so that jobs
 * queued behind a long one can be taken back and run by another worker. A skipped job is taken
 * out of the queue and answered at once with {@link Protocol#SKIPPED} and its number (the one
 * answer that may come out of order), written before any later job starts: so the rule above
 * holds. Jobs are never run out of order. The input (buffer, queue) belongs to whoever holds
 * {@link #input}; answers are written whole under {@link #output}'s monitor.
 *
 * <h2>Fds that come with a job</h2>
 * A job or a function whose object carries fds (a shared array, a lock, a pipe's end) comes
 * after a {@link Protocol#CARRY} frame; its fds came over the socket at
 * {@link Protocol#FDS_SOCKET_FD} before that frame was written. They are received as soon as the
 * frame is parsed (by whichever thread reads the channel), so the socket is read in the order of
 * the pipe even for a job that is skipped, whose fds are then closed; the object is deserialized
 * within {@link FdSlots#receiving(int[], java.util.function.IntConsumer, Callable)}, which closes
 * the fds no handle took. A handle that took one keeps it (an open pipe's end, until it is closed)
 * or closes it (a segment this process has mapped already: one mapping per memory file).
 *
 * <h2>Out of memory</h2>
 * A task that runs out of memory may leave this JVM in any state (another thread's allocation
 * may have failed too), so the worker prints the error to stderr and halts; the parent
 * reports the task with the exit status and that stderr, and starts another worker.
 */
final class WorkerLoop {
    /** The exit code after a task ran out of memory, as the JVM's own {@code ExitOnOutOfMemoryError}. */
    static final int OUT_OF_MEMORY_EXIT = 3;
    /**
     * Where the classes of tasks, functions and arguments are looked up: this class's loader, which
     * deserialization would find anyway by walking the stack for each class of each job.
     */
    private static final ClassLoader LOADER = WorkerLoop.class.getClassLoader();
    /** How long the pipe may go unread between jobs: see "Skipping" in the class comment. */
    static final long LOOK_NANOS = 20_000;

    private final FileInputStream in;
    private final FileOutputStream out;
    private final ReentrantLock input = new ReentrantLock();
    private final FrameBuffer buffer = new FrameBuffer(1 << 16, Integer.MAX_VALUE, 0, Protocol.SETUP,
            Protocol.CALL, Protocol.DEFINE, Protocol.APPLY, Protocol.CHUNK, Protocol.FORGET, Protocol.SKIP,
            Protocol.CARRY);
    /** Frames read and not handled yet; a job frame's {@code seq} is the job's number. */
    private final ArrayDeque<Protocol.Frame> pending = new ArrayDeque<>();
    /** The fds received for frames in {@link #pending}; belongs to whoever holds {@link #input}. */
    private final CarriedFds carried = new CarriedFds();
    private final WireBuffer output = new WireBuffer(1 << 16);
    /** Function ids to functions, or to the encoded failure to load one. */
    private final Map<Integer, Object> functions = new HashMap<>();
    private SerialLimits limits = SerialLimits.defaults();
    /** XORed into every tag this worker writes; from the SETUP frame. */
    private int key;
    private boolean eof;
    /** When the pipe was last looked at between jobs ({@link System#nanoTime}). */
    private long lastLook;
    /** True while a job runs: the lifeline's thread may read the channel meanwhile. */
    private volatile boolean running;

    private WorkerLoop(FileInputStream in, FileOutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** Runs the worker until its parent closes the channel; returns the exit code. */
    static int run(FileInputStream in, FileOutputStream out, long parent) {
        WorkerLoop loop = new WorkerLoop(in, out);
        try {
            return loop.serve(parent);
        } catch (IOException e) {
            return Lifeline.EXIT_CODE; // the channel broke: the parent is gone
        }
    }

    private int serve(long parent) throws IOException {
        Protocol.Frame first = nextBlocking();
        if (first == null || first.type() != Protocol.SETUP) {
            return Lifeline.EXIT_CODE; // the parent went away before setting us up
        }
        if (parent > 0) {
            Lifeline.start(parent, this::lookWhileRunning);
        }
        WorkerSetup setup = WorkerSetup.decode(first.payload());
        key = setup.key();
        Thread.currentThread().setName(setup.name());
        limits = setup.filter().isEmpty() ? SerialLimits.defaults() : SerialLimits.parse(setup.filter());
        if (setup.initializer().length > 0 && !initialize(setup.initializer())) {
            return 1;
        }
        emptyFrame(Protocol.READY, Protocol.NO_JOB);
        flush();
        while (true) {
            Protocol.Frame next;
            input.lock();
            try {
                if (!eof && !pending.isEmpty() && System.nanoTime() - lastLook >= LOOK_NANOS) {
                    lastLook = System.nanoTime();
                    if (in.available() > 0) {
                        fill(); // sees the SKIPs sent since, before the next job starts (with none, fill() waits below)
                    }
                }
                next = pending.poll();
                if (next == null) {
                    if (eof) {
                        return 0;
                    }
                    flush();
                    fill(); // waits for the parent
                    continue;
                }
            } finally {
                input.unlock();
            }
            handle(next);
        }
    }

    /** On the lifeline's thread: while a job runs, reads what came, so that SKIPs take effect. */
    private void lookWhileRunning() {
        if (running && input.tryLock()) {
            try {
                if (running && !eof && in.available() > 0) {
                    fill();
                }
            } catch (CarriedFds.OutOfStep e) {
                CarriedFds.halt(e); // the channel is out of step, and the main loop would not see it
            } catch (IOException e) {
                // the main loop will see it
            } finally {
                input.unlock();
            }
        }
    }

    private boolean initialize(byte[] initializer) throws IOException {
        try {
            Object task = Serial.deserialize(initializer, 0, initializer.length, limits, LOADER);
            ((Callable<?>) task).call();
            return true;
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.INIT_FAILED, key ^ Protocol.NO_JOB, RemoteFailure.Kind.TASK_THREW, t);
            flush();
            return false;
        }
    }

    private static boolean isJob(byte type) {
        return type == Protocol.CALL || type == Protocol.APPLY || type == Protocol.CHUNK;
    }

    private void handle(Protocol.Frame frame) throws IOException {
        byte[] payload = frame.payload();
        if (isJob(frame.type())) {
            int tag = key ^ frame.seq();
            running = true;
            try {
                switch (frame.type()) {
                    case Protocol.CALL -> call(payload, tag, fdsOf(frame));
                    case Protocol.APPLY -> apply(new WireReader(payload), tag);
                    default -> chunk(new WireReader(payload), tag);
                }
            } finally {
                running = false;
            }
            flush();
            return;
        }
        switch (frame.type()) {
            case Protocol.DEFINE -> define(new WireReader(payload), fdsOf(frame));
            case Protocol.FORGET -> functions.remove(new WireReader(payload).getInt());
            default -> throw new IOException("unknown frame type " + frame.type());
        }
    }

    /** The fds that came for {@code frame} (see {@link CarriedFds#take}). */
    private int[] fdsOf(Protocol.Frame frame) {
        input.lock();
        try {
            return carried.take(frame);
        } finally {
            input.unlock();
        }
    }

    /** Deserializes {@code n} bytes at {@code from} with {@code fds} for its handles; closes those no handle took. */
    private Object deserialize(byte[] bytes, int from, int n, int[] fds) throws Exception {
        return fds.length == 0 ? Serial.deserialize(bytes, from, n, limits, LOADER)
                : FdSlots.receiving(fds, FdReceiver::close, () -> Serial.deserialize(bytes, from, n, limits, LOADER));
    }

    private void call(byte[] payload, int tag, int[] fds) {
        Callable<?> task;
        try {
            task = (Callable<?>) deserialize(payload, 0, payload.length, fds);
        } catch (Exception | LinkageError e) {
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.TASK_NOT_LOADED, e);
            return;
        }
        Object value;
        try {
            value = task.call();
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.TASK_THREW, t);
            return;
        }
        writeResult(value, tag);
    }

    /** Writes a RESULT frame with {@code value}, or a FAILURE frame if it cannot be serialized. */
    private void writeResult(Object value, int tag) {
        int mark = output.length();
        int at = output.beginFrame(Protocol.RESULT, tag);
        try {
            Values.encode(value, output, "result");
            output.endFrame(at);
        } catch (Serial.NotSerializable e) {
            output.truncate(mark);
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, notSerializable(e));
        }
    }

    private void define(WireReader in, int[] fds) throws IOException {
        int id = in.getInt();
        int n = in.remaining();
        try {
            functions.put(id, deserialize(in.array(), in.skip(n), n, fds));
        } catch (Exception | LinkageError e) {
            functions.put(id, RemoteFailure.encode(RemoteFailure.Kind.TASK_NOT_LOADED, e));
        }
    }

    /** The function with {@code id}; or null, having answered the job (tagged {@code tag}) with why not. */
    @SuppressWarnings("unchecked")
    private Function<Object, Object> function(int id, int tag) {
        Object f = functions.get(id);
        if (f instanceof byte[] failure) {
            int at = output.beginFrame(Protocol.FAILURE, tag);
            output.put(failure, 0, failure.length);
            output.endFrame(at);
            return null;
        }
        if (!(f instanceof Function<?, ?> function)) {
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.TASK_NOT_LOADED,
                    new IllegalStateException("no function " + id + " in this worker"));
            return null;
        }
        return (Function<Object, Object>) function;
    }

    private void apply(WireReader in, int tag) throws IOException {
        Function<Object, Object> fn = function(in.getInt(), tag);
        if (fn == null) {
            return;
        }
        Object arg;
        try {
            arg = Values.decode(in, limits, LOADER);
        } catch (Exception | LinkageError e) {
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.TASK_NOT_LOADED, e);
            return;
        }
        Object value;
        try {
            value = fn.apply(arg);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.FAILURE, tag, RemoteFailure.Kind.TASK_THREW, t);
            return;
        }
        writeResult(value, tag);
    }

    /** A chunk's answers: every element's value or failure, in one frame. */
    private void chunk(WireReader in, int tag) throws IOException {
        Function<Object, Object> fn = function(in.getInt(), tag);
        if (fn == null) {
            return;
        }
        int count = in.getInt();
        int at = output.beginFrame(Protocol.CHUNK_RESULT, tag);
        output.putInt(count);
        for (int i = 0; i < count; i++) {
            Object arg;
            try {
                arg = Values.decode(in, limits, LOADER);
            } catch (Exception | LinkageError e) {
                elementFailure(RemoteFailure.Kind.TASK_NOT_LOADED, e);
                continue;
            }
            Object value;
            try {
                value = fn.apply(arg);
            } catch (OutOfMemoryError e) {
                throw outOfMemory(e);
            } catch (Throwable t) {
                elementFailure(RemoteFailure.Kind.TASK_THREW, t);
                continue;
            }
            int mark = output.length();
            try {
                Values.encode(value, output, "result");
            } catch (Serial.NotSerializable e) {
                output.truncate(mark);
                elementFailure(RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, notSerializable(e));
            }
        }
        output.endFrame(at);
    }

    private void elementFailure(RemoteFailure.Kind kind, Throwable t) {
        byte[] failure = RemoteFailure.encode(kind, t);
        output.put(Values.FAILURE);
        output.putInt(failure.length);
        output.put(failure, 0, failure.length);
    }

    private void writeFailure(byte type, int tag, RemoteFailure.Kind kind, Throwable t) {
        byte[] failure = RemoteFailure.encode(kind, t);
        int at = output.beginFrame(type, tag);
        output.put(failure, 0, failure.length);
        output.endFrame(at);
    }

    private void emptyFrame(byte type, int seq) {
        output.endFrame(output.beginFrame(type, key ^ seq));
    }

    private static NotSerializableException notSerializable(Serial.NotSerializable e) {
        NotSerializableException why = new NotSerializableException(e.getMessage());
        why.initCause(e.getCause());
        return why;
    }

    /** Says why on stderr and halts: see the class comment. */
    private static Error outOfMemory(OutOfMemoryError e) {
        try {
            PrintStream err = ChildStdio.err();
            err.println(Thread.currentThread().getName() + ": the task ran out of memory; the worker exits");
            e.printStackTrace(err);
            err.flush();
        } finally {
            Runtime.getRuntime().halt(OUT_OF_MEMORY_EXIT);
        }
        return e;
    }

    /** Writes the answers so far, after what the task printed. */
    private void flush() throws IOException {
        if (output.length() == 0) {
            return;
        }
        ChildStdio.flush();
        synchronized (output) {
            out.write(output.array(), 0, output.length());
        }
        output.clear();
    }

    /** Reads what the pipe has (waiting if it is empty) and parses it; holding {@link #input}. */
    private void fill() throws IOException {
        lastLook = System.nanoTime();
        int room = buffer.room(); // first: it may move or grow the array
        int n = in.read(buffer.array(), buffer.end(), room);
        if (n < 0) {
            eof = true;
        } else {
            buffer.filled(n);
        }
        Protocol.Frame frame;
        while ((frame = buffer.next(Integer.MAX_VALUE)) != null) {
            if (carried.parsed(frame)) {
                continue; // a CARRY frame: its fds are received
            }
            if (frame.type() == Protocol.SKIP) {
                skip(new WireReader(frame.payload()).getInt());
            } else {
                pending.add(frame);
            }
        }
    }

    /** Drops job {@code seq} if it has not started, and says so at once; else the job's answer will. */
    private void skip(int seq) throws IOException {
        for (Iterator<Protocol.Frame> it = pending.iterator(); it.hasNext(); ) {
            Protocol.Frame f = it.next();
            if (isJob(f.type()) && f.seq() == seq) {
                it.remove();
                carried.drop(f); // received, so the socket stays in step; never used
                int tag = key ^ seq;
                byte[] frame = {Protocol.SKIPPED, (byte) (tag >>> 24), (byte) (tag >>> 16), (byte) (tag >>> 8),
                        (byte) tag, 0, 0, 0, 0};
                synchronized (output) {
                    out.write(frame); // before any later job starts: see the class comment
                }
                return;
            }
        }
    }

    private Protocol.Frame nextBlocking() throws IOException {
        while (pending.isEmpty() && !eof) {
            fill();
        }
        return pending.poll();
    }
}
