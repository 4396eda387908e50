package dev.multiproc.hazelcast;

import dev.multiproc.ExitStatus;
import dev.multiproc.Signal;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerDiedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A member's answer to a {@link MemberCall}: a status, what goes with it, and the HMAC of both
 * and of the call's header under the cluster key, so that a client takes no answer that a holder
 * of the key did not make for that very call.
 *
 * <p>Statuses: {@link #ANSWER} (a worker's answer, as {@code RelayedJobs} returns it: the
 * client decodes it as its own pool would), {@link #DIED} and {@link #TIMEOUT} (the local pool's
 * {@link WorkerDiedException} and {@link TaskTimeoutException}, field by field), {@link #CANCELLED},
 * {@link #OK}, {@link #MISSING} (the files of a class path the member lacks), {@link #REFUSED}
 * (a signature that is not the member's key's) and {@link #FAILED} (anything else, with a message).
 */
record Reply(byte status, byte[] content) {
    static final byte ANSWER = 'A';
    static final byte DIED = 'D';
    static final byte TIMEOUT = 'T';
    static final byte CANCELLED = 'X';
    static final byte OK = 'K';
    static final byte MISSING = 'M';
    static final byte REFUSED = 'Z';
    static final byte FAILED = 'E';

    static Reply ok() {
        return new Reply(OK, new byte[0]);
    }

    static Reply failed(String message) {
        return new Reply(FAILED, encode(out -> out.writeUTF(message)));
    }

    static Reply refused(String message) {
        return new Reply(REFUSED, encode(out -> out.writeUTF(message)));
    }

    static Reply missing(List<String> hashes) {
        return new Reply(MISSING, encode(out -> {
            out.writeInt(hashes.size());
            for (String h : hashes) {
                out.writeUTF(h);
            }
        }));
    }

    static Reply died(WorkerDiedException e) {
        return new Reply(DIED, encode(out -> {
            out.writeUTF(String.valueOf(e.getMessage()));
            out.writeLong(e.workerPid());
            ExitStatus status = e.exitStatus().orElse(null);
            switch (status) {
                case null -> out.writeByte(0);
                case ExitStatus.Exited x -> {
                    out.writeByte(1);
                    out.writeInt(x.code());
                }
                case ExitStatus.Signaled s -> {
                    out.writeByte(2);
                    out.writeInt(s.killedBy().number());
                    out.writeBoolean(s.dumpedCore());
                }
            }
            out.writeUTF(truncated(e.stderrTail()));
        }));
    }

    static Reply timeout(TaskTimeoutException e) {
        return new Reply(TIMEOUT, encode(out -> {
            out.writeUTF(String.valueOf(e.getMessage()));
            out.writeLong(e.timeout().toNanos());
            out.writeLong(e.workerPid());
        }));
    }

    /** The bytes a member returns: the HMAC (over {@code header}, the status and the content), then both. */
    byte[] signed(ClusterKey key, byte[] header) {
        byte[] body = new byte[content.length + 1];
        body[0] = status;
        System.arraycopy(content, 0, body, 1, content.length);
        byte[] mac = key.sign(header, body);
        byte[] all = Arrays.copyOf(mac, mac.length + body.length);
        System.arraycopy(body, 0, all, mac.length, body.length);
        return all;
    }

    /**
     * The reply in {@code bytes}, checked against the call's {@code header}.
     *
     * @throws ClusterKeyException if it is not signed under {@code key} for that call
     */
    static Reply verified(byte[] bytes, ClusterKey key, byte[] header, String member) {
        if (bytes == null || bytes.length <= ClusterKey.MAC_LENGTH) {
            throw new ClusterKeyException("the answer of member " + member + " carries no signature");
        }
        byte[] mac = Arrays.copyOf(bytes, ClusterKey.MAC_LENGTH);
        byte[] body = Arrays.copyOfRange(bytes, ClusterKey.MAC_LENGTH, bytes.length);
        if (!key.verify(mac, header, body)) {
            throw new ClusterKeyException("the answer of member " + member + " is not signed with this pool's"
                    + " cluster key (from " + key.source() + "): it was not read");
        }
        return new Reply(body[0], Arrays.copyOfRange(body, 1, body.length));
    }

    /**
     * As {@link #verified}, except that an unsigned refusal is believed: a member with another
     * key cannot sign its refusal with this one, and a refusal can only make a call fail.
     */
    static Reply verifiedOrRefusal(byte[] bytes, ClusterKey key, byte[] header, String member) {
        try {
            return verified(bytes, key, header, member);
        } catch (ClusterKeyException e) {
            if (bytes != null && bytes.length > ClusterKey.MAC_LENGTH + 1 && bytes[ClusterKey.MAC_LENGTH] == REFUSED) {
                Reply unsigned = new Reply(REFUSED, Arrays.copyOfRange(bytes, ClusterKey.MAC_LENGTH + 1, bytes.length));
                String message;
                try {
                    message = unsigned.message();
                } catch (RuntimeException malformed) {
                    throw e;
                }
                return refused(message + " (this JVM's cluster key is from " + key.source() + ")");
            }
            throw e;
        }
    }

    String message() {
        return read(in -> in.readUTF());
    }

    List<String> hashes() {
        return read(in -> {
            int n = in.readInt();
            List<String> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                all.add(in.readUTF());
            }
            return all;
        });
    }

    /** The worker's death, as the member's pool reported it; {@code where} names the member. */
    WorkerDiedException toDied(String where) {
        return read(in -> {
            String message = in.readUTF();
            long pid = in.readLong();
            ExitStatus status = switch (in.readByte()) {
                case 1 -> new ExitStatus.Exited(in.readInt());
                case 2 -> new ExitStatus.Signaled(Signal.of(in.readInt()), in.readBoolean());
                default -> null;
            };
            return new WorkerDiedException(message + " (on member " + where + ")", pid, status, in.readUTF(), null);
        });
    }

    TaskTimeoutException toTimeout(String where) {
        return read(in -> new TaskTimeoutException(in.readUTF() + " (on member " + where + ")",
                Duration.ofNanos(in.readLong()), in.readLong()));
    }

    private static String truncated(String s) {
        return s.length() > 16_000 ? s.substring(s.length() - 16_000) : s;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private <T> T read(Reader<T> reader) {
        try {
            return reader.read(new DataInputStream(new ByteArrayInputStream(content)));
        } catch (IOException e) {
            throw new UncheckedIOException("a malformed answer (status " + (char) status + ")", e);
        }
    }
}
