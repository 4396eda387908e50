package dev.multiproc;

import dev.multiproc.internal.io.LineReader;
import dev.multiproc.internal.io.LingeringInputStream;
import dev.multiproc.internal.io.PipeInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A child's stdout or stderr, read from its pipe: what {@link Subprocess#stdout()} and
 * {@link JvmProcess#stdout()} (and their {@code stderr()}) return. It is an
 * {@link InputStream}, and it also gives the output as lines ({@link #lines()}) or hands each
 * line or chunk to a callback ({@link #forEachLine}, {@link #forEachChunk}). None of them needs
 * a thread per pipe: a read that waits parks the caller on multiproc's one event thread, and a
 * callback runs on a virtual thread of its own. A slow reader slows the child (the pipe fills
 * and it waits); nothing piles up in memory.
 *
 * <p><b>One way at a time.</b> The output is read in one way: as bytes (the
 * {@code InputStream} methods), as lines, or by one callback. The first use chooses, and
 * another way is then refused with an {@link IllegalStateException}: lines read ahead, or a
 * callback running on its own thread, would take bytes from under it. Lines asked for again,
 * in the same charset, go on where the last stream of lines stopped.
 *
 * <p><b>When it ends.</b> Read as bytes, it ends at end of file, as any stream over a pipe.
 * Read as lines or by a callback, it also ends once the child has exited and the pipe has
 * stayed empty for a short moment (250 ms): a descendant that inherited the pipe and keeps it
 * open (a shell's background job) does not keep it going, as it does not hold up
 * {@link Subprocess#communicate}. What the child wrote is always read first, however slowly.
 *
 * <p><b>Text</b> is UTF-8 unless a charset is given; lines end at {@code '\n'}, which is
 * removed, and nothing else is changed (a {@code '\r'} stays); malformed bytes become U+FFFD.
 *
 * <p>Closing it closes this JVM's end of the pipe; a child that writes more then gets EPIPE or
 * SIGPIPE. Failures of the pipe are plain {@link IOException}s.
 */
public final class ProcessOutput extends InputStream {
    /** The ways a pipe can be read; the first one used is the only one. */
    private enum Use {
        BYTES("read as bytes"), LINES("read as lines"), CALLBACK("read by a callback");

        private final String said;

        Use(String said) {
            this.said = said;
        }
    }

    private final PipeInputStream pipe;
    private final CompletableFuture<?> childExit;
    /** "stdout of process 42", for messages. */
    private final String description;
    /** "multiproc-stdout-42", for the threads of callbacks. */
    private final String threadName;
    private final Object lock = new Object();
    private volatile Use use;
    /** The one reader of lines, made by the first {@link #lines(Charset)}; later ones go on with it. */
    private LineReader lineReader;
    private Charset lineCharset;

    /**
     * @param pipe this JVM's end of the pipe
     * @param childExit completed when the child has exited
     * @param stream "stdout" or "stderr"
     * @param owner who writes it, for messages ("process 42", "JvmProcess-1 (pid 42)")
     * @param pid the writer's pid, for thread names
     */
    ProcessOutput(PipeInputStream pipe, CompletableFuture<?> childExit, String stream, String owner, long pid) {
        this.pipe = pipe;
        this.childExit = childExit;
        this.description = stream + " of " + owner;
        this.threadName = "multiproc-" + stream + "-" + pid;
    }

    // ---- as bytes ---------------------------------------------------------------------------

    /**
     * Reads one byte, waiting for it: as {@link InputStream#read()}.
     *
     * @throws IllegalStateException if the output is read as lines or by a callback
     * @throws java.io.InterruptedIOException if the thread is interrupted while it waits (its
     *     interrupt status stays set)
     */
    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Reads what is there, up to {@code len} bytes, waiting until there is something or end of
     * file: as {@link InputStream#read(byte[], int, int)}.
     *
     * @throws IllegalStateException if the output is read as lines or by a callback
     * @throws java.io.InterruptedIOException if the thread is interrupted while it waits (its
     *     interrupt status stays set)
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (use != Use.BYTES) {
            claim(Use.BYTES);
        }
        return pipe.read(b, off, len);
    }

    /**
     * How many bytes a read returns now without waiting: what the pipe holds ({@code FIONREAD}).
     *
     * @throws IOException "Stream closed" once it was closed, as {@code FileInputStream}'s does
     */
    @Override
    public int available() throws IOException {
        return pipe.available();
    }

    /** Closes this JVM's end of the pipe; a read that waits then ends. */
    @Override
    public void close() throws IOException {
        pipe.close();
    }

    // ---- as lines ---------------------------------------------------------------------------

    /** The output as UTF-8 lines; see {@link #lines(Charset)}. */
    public Stream<String> lines() {
        return lines(StandardCharsets.UTF_8);
    }

    /**
     * The output as lines in {@code charset}, read lazily as the stream is consumed (see the
     * class comment for where lines end and when the output ends). Closing the stream closes
     * the pipe; asking again gives a stream that goes on with the same lines. An
     * {@code IOException} while reading is thrown as an {@link UncheckedIOException}, as from
     * {@link java.io.BufferedReader#lines()}.
     *
     * @throws IllegalStateException if the output is read as bytes or by a callback, or its
     *     lines are already read in another charset (the message names both)
     */
    public Stream<String> lines(Charset charset) {
        Objects.requireNonNull(charset, "charset");
        LineReader reader;
        synchronized (lock) {
            claim(Use.LINES);
            if (lineReader == null) {
                lineReader = new LineReader(lingering(), charset);
                lineCharset = charset;
            } else if (!lineCharset.equals(charset)) {
                throw new IllegalStateException(description + " is already read as " + lineCharset
                        + " lines; it cannot be read as " + charset + " too");
            }
            reader = lineReader;
        }
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader,
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        pipe.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    // ---- by a callback ----------------------------------------------------------------------

    /** Calls {@code action} with each UTF-8 line; see {@link #forEachLine(Charset, Consumer)}. */
    public CompletableFuture<Void> forEachLine(Consumer<String> action) {
        return forEachLine(StandardCharsets.UTF_8, action);
    }

    /**
     * Calls {@code action} with each line in {@code charset}, from a virtual thread (no platform
     * thread per pipe), with the context class loader of the thread that called this. The
     * future completes when the output ends (see the class comment), or exceptionally if
     * reading or the action fails; either way the pipe is closed then.
     *
     * @throws IllegalStateException if the output is read in another way, or by another callback
     */
    public CompletableFuture<Void> forEachLine(Charset charset, Consumer<String> action) {
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(action, "action");
        InputStream in = startCallback();
        LineReader lines = new LineReader(in, charset);
        return pump(() -> {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                action.accept(line);
            }
        });
    }

    /**
     * Calls {@code action} with each chunk of bytes as it arrives (a new array each time), as
     * {@link #forEachLine(Charset, Consumer)} calls it with lines.
     *
     * @throws IllegalStateException if the output is read in another way, or by another callback
     */
    public CompletableFuture<Void> forEachChunk(Consumer<byte[]> action) {
        Objects.requireNonNull(action, "action");
        InputStream in = startCallback();
        return pump(() -> {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                action.accept(Arrays.copyOf(buffer, n));
            }
        });
    }

    private InputStream startCallback() {
        synchronized (lock) {
            claim(Use.CALLBACK);
            return lingering();
        }
    }

    private interface PumpBody {
        void run() throws IOException;
    }

    private CompletableFuture<Void> pump(PumpBody body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name(threadName).start(() -> {
            try (pipe) {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    // ---- the way it is read -----------------------------------------------------------------

    /** Takes {@code wanted} as the way this output is read, or refuses if another was taken. */
    private void claim(Use wanted) {
        synchronized (lock) {
            Use taken = use;
            if (taken == null) {
                use = wanted;
            } else if (taken != wanted || wanted == Use.CALLBACK) {
                throw new IllegalStateException(description + " is already " + taken.said + "; it cannot be "
                        + wanted.said + " too: a pipe is read one way, as bytes, as lines or by one callback");
            }
        }
    }

    /** The pipe as lines and callbacks read it: ending a short moment after the child's exit. */
    private InputStream lingering() {
        return new LingeringInputStream(pipe, childExit);
    }

    @Override
    public String toString() {
        return "ProcessOutput[" + description + (use == null ? "" : ", " + use.said) + "]";
    }
}
