package dev.multiproc.internal.jvm;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The main loop of a pool's worker JVM (a child started with {@code --worker}): runs the jobs
 * its parent sends, one at a time, in order, and answers each with one frame (see
 * {@link Protocol}).
 *
 * <h2>Answers are written before the next job starts</h2>
 * A job's answer goes into the pipe as soon as the job ends, even when more jobs are waiting.
 * A pipe keeps what was written into it after its writer dies, so when this JVM dies (SIGKILL,
 * {@code System.exit}, a crash), every job before the one that was running has its answer in
 * the pipe, and the parent knows exactly which job was running: the first one unanswered.
 * Batching answers inside this JVM would have made an innocent job look like the culprit.
 * Answers are still read in batches by the parent: one read takes whatever is in the pipe.
 *
 * <h2>Reading ahead</h2>
 * Before each job, what is already in the pipe is read and parsed, so that a {@link
 * Protocol#SKIP} sent after a job was queued here is seen before that job is reached. Jobs
 * are never run out of order.
 *
 * <h2>Out of memory</h2>
 * A task that runs out of memory may leave this JVM in any state (another thread's allocation
 * may have failed too), so the worker prints the error to stderr and halts; the parent
 * reports the task with the exit status and that stderr, and starts another worker.
 */
final class WorkerLoop {
    /** The exit code after a task ran out of memory, as the JVM's own {@code ExitOnOutOfMemoryError}. */
    static final int OUT_OF_MEMORY_EXIT = 3;

    private final FileInputStream in;
    private final FileOutputStream out;
    private final FrameBuffer input = new FrameBuffer(1 << 16, Integer.MAX_VALUE);
    private final ArrayDeque<Protocol.Frame> pending = new ArrayDeque<>();
    private final Set<Integer> skips = new HashSet<>();
    private final WireBuffer output = new WireBuffer(1 << 16);
    /** Function ids to functions, or to the encoded failure to load one. */
    private final Map<Integer, Object> functions = new HashMap<>();
    private SerialLimits limits = SerialLimits.defaults();
    private int nextJob;
    private boolean eof;

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
            Lifeline.start(parent);
        }
        WorkerSetup setup = WorkerSetup.decode(first.payload());
        Thread.currentThread().setName(setup.name());
        limits = setup.filter().isEmpty() ? SerialLimits.defaults() : SerialLimits.parse(setup.filter());
        if (setup.initializer().length > 0 && !initialize(setup.initializer())) {
            return 1;
        }
        emptyFrame(Protocol.READY);
        flush();
        while (true) {
            Protocol.Frame frame = pending.peek();
            if (frame == null) {
                flush();
                if (eof) {
                    return 0;
                }
                fill();
                continue;
            }
            if (isJob(frame.type()) && !eof && in.available() > 0) {
                fill(); // sees the SKIPs sent since, before the job starts
            }
            handle(pending.poll());
        }
    }

    private boolean initialize(byte[] initializer) throws IOException {
        try {
            Object task = Serial.deserialize(initializer, 0, initializer.length, limits, null);
            ((Callable<?>) task).call();
            return true;
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.INIT_FAILED, RemoteFailure.Kind.TASK_THREW, t);
            flush();
            return false;
        }
    }

    private static boolean isJob(byte type) {
        return type == Protocol.CALL || type == Protocol.APPLY || type == Protocol.CHUNK;
    }

    private void handle(Protocol.Frame frame) throws IOException {
        byte[] payload = frame.payload();
        switch (frame.type()) {
            case Protocol.CALL -> {
                if (!skipped()) {
                    call(payload);
                }
            }
            case Protocol.APPLY -> {
                if (!skipped()) {
                    apply(new WireReader(payload));
                }
            }
            case Protocol.CHUNK -> {
                if (!skipped()) {
                    chunk(new WireReader(payload));
                }
            }
            case Protocol.DEFINE -> define(new WireReader(payload));
            case Protocol.FORGET -> functions.remove(new WireReader(payload).getInt());
            default -> throw new IOException("unknown frame type " + frame.type());
        }
        if (isJob(frame.type())) {
            flush();
        }
    }

    /** Takes the next job's number; true (and answers SKIPPED) if the parent asked to skip it. */
    private boolean skipped() {
        int job = nextJob++;
        if (!skips.isEmpty() && skips.remove(job)) {
            emptyFrame(Protocol.SKIPPED);
            return true;
        }
        return false;
    }

    private void call(byte[] payload) {
        Callable<?> task;
        try {
            task = (Callable<?>) Serial.deserialize(payload, 0, payload.length, limits, null);
        } catch (Exception | LinkageError e) {
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.TASK_NOT_LOADED, e);
            return;
        }
        Object value;
        try {
            value = task.call();
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.TASK_THREW, t);
            return;
        }
        int mark = output.length();
        int at = output.beginFrame(Protocol.RESULT);
        try {
            Values.encode(value, output, "result");
            output.endFrame(at);
        } catch (Serial.NotSerializable e) {
            output.truncate(mark);
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, notSerializable(e));
        }
    }

    private void define(WireReader in) throws IOException {
        int id = in.getInt();
        int n = in.remaining();
        try {
            functions.put(id, Serial.deserialize(in.array(), in.skip(n), n, limits, null));
        } catch (Exception | LinkageError e) {
            functions.put(id, RemoteFailure.encode(RemoteFailure.Kind.TASK_NOT_LOADED, e));
        }
    }

    @SuppressWarnings("unchecked")
    private Function<Object, Object> function(int id) {
        Object f = functions.get(id);
        if (f instanceof byte[] failure) {
            int at = output.beginFrame(Protocol.FAILURE);
            output.put(failure, 0, failure.length);
            output.endFrame(at);
            return null;
        }
        if (!(f instanceof Function<?, ?> function)) {
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.TASK_NOT_LOADED,
                    new IllegalStateException("no function " + id + " in this worker"));
            return null;
        }
        return (Function<Object, Object>) function;
    }

    private void apply(WireReader in) throws IOException {
        Function<Object, Object> fn = function(in.getInt());
        if (fn == null) {
            return;
        }
        Object arg;
        try {
            arg = Values.decode(in, limits, null);
        } catch (Exception | LinkageError e) {
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.TASK_NOT_LOADED, e);
            return;
        }
        Object value;
        try {
            value = fn.apply(arg);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } catch (Throwable t) {
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.TASK_THREW, t);
            return;
        }
        int mark = output.length();
        int at = output.beginFrame(Protocol.RESULT);
        try {
            Values.encode(value, output, "result");
            output.endFrame(at);
        } catch (Serial.NotSerializable e) {
            output.truncate(mark);
            writeFailure(Protocol.FAILURE, RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, notSerializable(e));
        }
    }

    /** A chunk's answers: every element's value or failure, in one frame. */
    private void chunk(WireReader in) throws IOException {
        Function<Object, Object> fn = function(in.getInt());
        if (fn == null) {
            return;
        }
        int count = in.getInt();
        int at = output.beginFrame(Protocol.CHUNK_RESULT);
        output.putInt(count);
        for (int i = 0; i < count; i++) {
            Object arg;
            try {
                arg = Values.decode(in, limits, null);
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

    private void writeFailure(byte type, RemoteFailure.Kind kind, Throwable t) {
        byte[] failure = RemoteFailure.encode(kind, t);
        int at = output.beginFrame(type);
        output.put(failure, 0, failure.length);
        output.endFrame(at);
    }

    private void emptyFrame(byte type) {
        output.put(type);
        output.putInt(0);
    }

    private static NotSerializableException notSerializable(Serial.NotSerializable e) {
        NotSerializableException why = new NotSerializableException(e.getMessage());
        why.initCause(e.getCause());
        return why;
    }

    /** Says why on stderr and halts: see the class comment. */
    private static Error outOfMemory(OutOfMemoryError e) {
        try {
            System.err.println(Thread.currentThread().getName() + ": the task ran out of memory; the worker exits");
            e.printStackTrace();
            System.err.flush();
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
        System.out.flush();
        System.err.flush();
        out.write(output.array(), 0, output.length());
        output.clear();
    }

    /** Reads what the pipe has (waiting if it is empty) and parses it. */
    private void fill() throws IOException {
        int room = input.room(); // first: it may move or grow the array
        int n = in.read(input.array(), input.end(), room);
        if (n < 0) {
            eof = true;
        } else {
            input.filled(n);
        }
        parse();
    }

    private void parse() throws IOException {
        Protocol.Frame frame;
        while ((frame = input.next()) != null) {
            if (frame.type() == Protocol.SKIP) {
                int job = new WireReader(frame.payload()).getInt();
                if (job >= nextJob) {
                    skips.add(job);
                }
            } else {
                pending.add(frame);
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
