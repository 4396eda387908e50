package dev.multiproc.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The one message a client sends a member, through Hazelcast's executor: an operation, the
 * client's id, a number (a job's, for the operations about a job), the operation's body, and
 * the HMAC of all of it under the cluster key ({@link ClusterKey}). It is serialized by
 * Hazelcast as an {@link IdentifiedDataSerializable} (fields only, no Java serialization), and
 * the member answers with a {@link Reply}'s bytes, signed and bound to this call.
 */
final class MemberCall implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** The factory id registered with Hazelcast on both sides. */
    static final int FACTORY = 0x6d70; // "mp"
    private static final int CLASS_ID = 1;

    /** Offers a class path: the body is its id, the job timeout and the files' hashes; the reply lists the missing. */
    static final byte OFFER = 'O';
    /** Sends one file of a class path: its hash, then its bytes. */
    static final byte PUT_FILE = 'P';
    /** Runs a job (see {@link JobBody}). */
    static final byte RUN = 'R';
    /** Cancels a running job, killing its worker. */
    static final byte CANCEL = 'C';

    private byte op;
    private UUID client;
    private long id;
    private byte[] body;
    private byte[] mac;
    private transient HazelcastInstance instance;

    /** For Hazelcast's deserialization. */
    MemberCall() {}

    MemberCall(byte op, UUID client, long id, byte[] body, ClusterKey key) {
        this.op = op;
        this.client = client;
        this.id = id;
        this.body = body;
        this.mac = key.sign(header(), body);
    }

    byte op() {
        return op;
    }

    UUID client() {
        return client;
    }

    long id() {
        return id;
    }

    byte[] body() {
        return body;
    }

    /** True if the signature is this call's under {@code key}. */
    boolean signedWith(ClusterKey key) {
        return body != null && key.verify(mac, header(), body);
    }

    /** What a reply is bound to: the operation, the client and the number. */
    byte[] header() {
        return ByteBuffer.allocate(25).put(op).putLong(client.getMostSignificantBits())
                .putLong(client.getLeastSignificantBits()).putLong(id).array();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    /** On the member: hands the call to the member's service. */
    @Override
    public byte[] call() {
        MemberService service = (MemberService) instance.getUserContext().get(MemberService.CONTEXT_KEY);
        if (service == null) {
            throw new IllegalStateException("this Hazelcast member runs no multiproc member service");
        }
        return service.handle(this);
    }

    @Override
    public int getFactoryId() {
        return FACTORY;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(op);
        out.writeLong(client.getMostSignificantBits());
        out.writeLong(client.getLeastSignificantBits());
        out.writeLong(id);
        out.writeByteArray(body);
        out.writeByteArray(mac);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        op = in.readByte();
        client = new UUID(in.readLong(), in.readLong());
        id = in.readLong();
        body = in.readByteArray();
        mac = in.readByteArray();
    }

    /** Makes calls for Hazelcast's deserialization. */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int classId) {
            return classId == CLASS_ID ? new MemberCall() : null;
        }
    }
}
