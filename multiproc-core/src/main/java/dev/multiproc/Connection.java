package dev.multiproc;

import dev.multiproc.internal.conn.Channel;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.Reclaimer;
import dev.multiproc.internal.io.Readiness;
import dev.multiproc.internal.io.Timeouts;
import dev.multiproc.internal.io.Waker;
import dev.multiproc.internal.wire.FdSlots;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}. Messages are
 * objects ({@link #send}, {@link #recv}) or bytes ({@link #sendBytes}, {@link #recvBytes}), each
 * received whole and in order, by one receiver.
 *
 * <pre>{@code
 * Pipe<String> pipe = Pipe.open();
 * Connection<String> here = pipe.left();
 * Connection<String> there = pipe.right();
 * JvmProcess<Void> child = JvmProcess.start(() -> {
 *     there.send("hello from " + ProcessHandle.current().pid());
 *     return null;
 * });
 * System.out.println(here.recv());
 * }</pre>
 *
 * <p><b>Messages.</b> Boxed primitives, {@code String} and {@code byte[]} travel in a compact form
 * of their own; anything else by Java serialization, filtered where it is read (as for tasks), and
 * serialized on the sender's thread: an object that cannot be serialized makes {@link #send}
 * throw, naming the way to the field that is not serializable, and nothing is sent. {@code null} is
 * refused (a timed {@link #recv(Duration)} could not tell it from no message). A message is at most
 * 1 GiB.
 *
 * <p><b>Handing an end to another process.</b> A {@link Task} that captures an end takes it to its
 * child JVM (its fds are inherited there), and the end belongs to that child from then on: this JVM
 * closes its copy once the child has started, so the end that stays here sees end of file when the
 * child closes its end or ends, however it ends (no forgotten copy keeps the pipe open, which is
 * Python's classic hang), and using the handed end here throws. Capture the end, not the
 * {@link Pipe}. An end serialized in any other way is refused where it is read.
 *
 * <p><b>When the other end goes away.</b> Its end of file makes {@link #recv} throw
 * {@link ConnectionClosedException}, whose {@link ConnectionClosedException#peerStatus()} is the
 * exit status of the child JVM that held it; a message its death cut short is dropped, and the
 * exception says how much of it had come. A send to an end nobody holds throws the same. Nothing
 * waits for ever on a peer that is gone.
 *
 * <p><b>Waiting.</b> A platform thread that waits for a message first waits in the kernel itself
 * for a few milliseconds (the quickest wake-up for a reply), then parks; a virtual thread parks at
 * once, without holding a carrier. No thread is started per connection. Any number of threads may
 * send and receive at once.
 *
 * @param <T> the type of the messages
 */
public final class Connection<T> implements Waitable, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Channel channel;
    private final transient Reclaimer.Cleanable cleanable;

    Connection(Channel channel) {
        this.channel = channel;
        this.cleanable = Engine.get().reclaimer().register(this, channel::close);
    }

    /**
     * Sends {@code message}, waiting while the pipe is full (the other end reads too slowly).
     *
     * @throws IllegalArgumentException if it cannot be serialized (the message names the field
     *     that is not serializable and the way to it) or is larger than 1 GiB; nothing is sent
     * @throws NullPointerException if {@code message} is null
     * @throws ConnectionClosedException if the other end is gone (with its exit status, where it
     *     is a child of this JVM), or this end was closed or handed to another process
     * @throws IllegalStateException if this is the receiving end of a one-way pipe
     * @throws InterruptedException if interrupted before any of the message was sent (once part of
     *     it is in the pipe, the rest follows and the interrupt status is set again)
     */
    public void send(T message) throws InterruptedException {
        Objects.requireNonNull(message, "a connection carries no null message");
        requireSends();
        channel.send(message);
    }

    /**
     * Sends {@code bytes} as one message, to be received by {@link #recvBytes()} (or by
     * {@link #recv()}, as a {@code byte[]}). A large array is written from where it is, not copied.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws IllegalArgumentException if it is larger than 1 GiB
     * @throws ConnectionClosedException as {@link #send}
     * @throws IllegalStateException if this is the receiving end of a one-way pipe
     * @throws InterruptedException as {@link #send}
     */
    public void sendBytes(byte[] bytes) throws InterruptedException {
        Objects.requireNonNull(bytes, "bytes");
        requireSends();
        channel.send(bytes);
    }

    /**
     * Receives the next message, waiting for it as long as it takes.
     *
     * @throws ConnectionClosedException if the other end is gone and every message it sent was
     *     received (a message its death cut short is dropped: the exception says so), or this end
     *     was closed or handed to another process
     * @throws MultiprocException if the message cannot be read here (its class is missing, the
     *     deserialization filter refuses it): that message is dropped, the next one can be received
     * @throws IllegalStateException if this is the sending end of a one-way pipe
     * @throws InterruptedException if interrupted while it waits (what arrived of a message stays
     *     for the next call)
     */
    @SuppressWarnings("unchecked")
    public T recv() throws InterruptedException {
        requireReceives();
        return (T) channel.receive(Waker.NO_DEADLINE, false);
    }

    /**
     * Receives the next message if all of it arrives within {@code timeout}; empty if it does not.
     * The timeout bounds the whole message: a message still arriving when it passes stays for the
     * next call, nothing of it lost. A zero or negative timeout looks once.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws ConnectionClosedException as {@link #recv()}
     * @throws MultiprocException as {@link #recv()}
     * @throws IllegalStateException if this is the sending end of a one-way pipe
     * @throws InterruptedException if interrupted while it waits
     */
    @SuppressWarnings("unchecked")
    public Optional<T> recv(Duration timeout) throws InterruptedException {
        requireReceives();
        long deadline = Timeouts.deadline(Objects.requireNonNull(timeout, "timeout"));
        Object message = channel.receive(deadline, false);
        return message == Channel.NOTHING ? Optional.empty() : Optional.of((T) message);
    }

    /**
     * Receives the next message, which must be bytes (sent by {@link #sendBytes}, or a
     * {@code byte[]} sent by {@link #send}), waiting for it as long as it takes. A large array is
     * read straight into the array returned.
     *
     * @throws IllegalStateException if the next message is not bytes (it stays, for
     *     {@link #recv()}), or this is the sending end of a one-way pipe
     * @throws ConnectionClosedException as {@link #recv()}
     * @throws InterruptedException if interrupted while it waits
     */
    public byte[] recvBytes() throws InterruptedException {
        requireReceives();
        return (byte[]) channel.receive(Waker.NO_DEADLINE, true);
    }

    /**
     * Waits up to {@code timeout} for something to receive: true as soon as a message (or the
     * other end's end of file, which {@link #recv()} then reports) is there. A zero or negative
     * timeout looks once.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws ConnectionClosedException if this end was closed or handed to another process
     * @throws IllegalStateException if this is the sending end of a one-way pipe
     * @throws InterruptedException if interrupted while it waits
     */
    public boolean poll(Duration timeout) throws InterruptedException {
        requireReceives();
        return channel.poll(Timeouts.deadline(Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * Closes this end in this process: threads waiting on it wake and throw
     * {@link ConnectionClosedException}, and the other end sees end of file once no process holds
     * this end. Closing again does nothing.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** True once this end was closed here, or handed to another process. */
    public boolean isClosed() {
        return channel.isClosed();
    }

    Readiness readiness() {
        if (!channel.receives()) {
            throw new IllegalArgumentException("the sending end of a one-way pipe never has anything to receive: "
                    + "wait on its other end");
        }
        return channel.readiness();
    }

    private void requireSends() {
        if (!channel.sends()) {
            throw new IllegalStateException("this is the receiving end of a one-way pipe: it cannot send");
        }
    }

    private void requireReceives() {
        if (!channel.receives()) {
            throw new IllegalStateException("this is the sending end of a one-way pipe: it cannot receive");
        }
    }

    @Override
    public String toString() {
        String kind = channel.receives() && channel.sends() ? "duplex" : channel.receives() ? "receiving" : "sending";
        String why = channel.whyClosed();
        return "Connection[" + kind + (why == null ? ", fds " + fds() : ", closed: " + why) + "]";
    }

    private String fds() {
        return channel.receives() && channel.sends() ? channel.inFd() + "/" + channel.outFd()
                : String.valueOf(channel.receives() ? channel.inFd() : channel.outFd());
    }

    /** In a task's bytes an end is its fds' slots; the fds travel beside the bytes (see {@link FdSlots}). */
    @Serial
    private Object writeReplace() throws ObjectStreamException {
        String why = channel.whyClosed();
        if (why != null) {
            throw new InvalidObjectException("a connection's end cannot be sent to another process: " + why);
        }
        int in = channel.receives() ? FdSlots.carry(channel.inFd(), channel::handedOver) : Form.NONE;
        int out = channel.sends() ? FdSlots.carry(channel.outFd(), channel::handedOver) : Form.NONE;
        return new Form(in, out);
    }

    /** An end in a task's bytes: the slots of the fd it receives on and of the fd it sends on. */
    private record Form(int in, int out) implements Serializable {
        static final int NONE = -2;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            int inFd = in == NONE ? -1 : FdSlots.received(in, "a connection's end");
            int outFd = out == NONE ? -1 : FdSlots.received(out, "a connection's end");
            return new Connection<>(Channel.arrived(inFd, outFd));
        }
    }
}
