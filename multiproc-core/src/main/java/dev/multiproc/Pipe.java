package dev.multiproc;

import dev.multiproc.internal.conn.Channel;

/**
 * A pipe between two {@link Connection}s: Python's {@code multiprocessing.Pipe}. Hand one end to
 * another process by capturing it in a {@link Task}; keep the other.
 *
 * <pre>{@code
 * Pipe<Integer> pipe = Pipe.open();
 * Connection<Integer> results = pipe.left();
 * Connection<Integer> worker = pipe.right();
 * JvmProcess<Void> child = JvmProcess.start(() -> {
 *     for (int i = 0; i < 3; i++) {
 *         worker.send(i * i);
 *     }
 *     return null;
 * });
 * System.out.println(results.recv() + results.recv() + results.recv()); // 5
 * }</pre>
 *
 * <p>Made of two kernel pipes (one for a one-way pipe), nothing named in the file system, nothing
 * left behind by a process that dies: the kernel closes a dead process's ends.
 *
 * @param <T> the type of the messages
 */
public final class Pipe<T> implements AutoCloseable {
    private final Connection<T> left;
    private final Connection<T> right;

    private Pipe(Channel[] ends) {
        this.left = new Connection<>(ends[0]);
        this.right = new Connection<>(ends[1]);
    }

    /**
     * A duplex pipe: each end sends to the other and receives from it (Python's {@code Pipe()}).
     *
     * @throws MultiprocException if this process is out of file descriptors; nothing is left open
     */
    public static <T> Pipe<T> open() {
        return new Pipe<>(Channel.pair(true));
    }

    /**
     * A one-way pipe: {@link #left()} only receives, {@link #right()} only sends (Python's
     * {@code Pipe(duplex=False)}, whose first connection receives). One kernel pipe.
     *
     * @throws MultiprocException if this process is out of file descriptors; nothing is left open
     */
    public static <T> Pipe<T> openOneWay() {
        return new Pipe<>(Channel.pair(false));
    }

    /** The first end: it receives what {@link #right()} sends (and, duplex, sends to it). */
    public Connection<T> left() {
        return left;
    }

    /** The second end: it sends to {@link #left()} (and, duplex, receives from it). */
    public Connection<T> right() {
        return right;
    }

    /** Closes both ends in this process (an end handed to another process is closed here already). */
    @Override
    public void close() {
        left.close();
        right.close();
    }

    @Override
    public String toString() {
        return "Pipe[" + left + ", " + right + "]";
    }
}
