package dev.multiproc.internal.jvm;

import dev.multiproc.internal.io.PipeInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies a child's stderr to this JVM's own fd 2, as if the child had inherited it, and keeps
 * the last {@link #CAPACITY} bytes for error messages. A virtual thread does the copying: while
 * the pipe is empty it is parked on the event loop and holds no carrier thread, so there is no
 * platform thread per child. The pipe is drained as fast as fd 2 takes the bytes, so a child
 * that floods its stderr is never held up by the tail.
 */
final class StderrTail {
    /** How much of the end of stderr is kept. */
    static final int CAPACITY = 8192;

    private static final OutputStream STDERR = new FileOutputStream(FileDescriptor.err);

    private final byte[] ring = new byte[CAPACITY];
    private long total;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private StderrTail() {}

    static StderrTail start(PipeInputStream pipe, int pid) {
        StderrTail tail = new StderrTail();
        Thread.ofVirtual().name("multiproc-stderr-" + pid).start(() -> tail.copy(pipe));
        return tail;
    }

    private void copy(InputStream in) {
        byte[] buffer = new byte[CAPACITY];
        try (in) {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) > 0) {
                keep(buffer, n);
                try {
                    STDERR.write(buffer, 0, n);
                } catch (IOException e) {
                    // this JVM's stderr is closed: keep draining the child's
                }
            }
        } catch (IOException e) {
            // closed under us: nothing more to copy
        } finally {
            done.complete(null);
        }
    }

    private synchronized void keep(byte[] b, int n) {
        int off = Math.max(0, n - CAPACITY);
        total += off;
        n -= off;
        int pos = (int) (total % CAPACITY);
        int first = Math.min(n, CAPACITY - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        total += n;
    }

    /** Completed when the child's stderr reached its end (or could not be read any more). */
    CompletableFuture<Void> ended() {
        return done;
    }

    /**
     * The last bytes of stderr as text, after waiting up to {@code waitMillis} for the child's
     * end of it (a grandchild may still hold it open).
     */
    String text(long waitMillis) {
        try {
            done.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // take what is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            int n = (int) Math.min(total, CAPACITY);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = ring[(int) ((total - n + i) % CAPACITY)];
            }
            String s = new String(out, StandardCharsets.UTF_8);
            return total > CAPACITY ? "..." + s : s;
        }
    }
}
