package dev.multiproc.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.MultiprocException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link ClusterPool} is connected: its key resolved, its class path hashed, a Hazelcast
 * client started, its dispatcher following the members, and a wait until one member is ready.
 * Anything that fails on the way leaves nothing behind: the client is shut down and the packed
 * class folders deleted.
 */
final class ClusterConnector {
    /** A connected pool's client and dispatcher. */
    record Connected(HazelcastInstance client, Dispatcher dispatcher) {}

    private ClusterConnector() {}

    /** Connects with the builder's settings; see {@link ClusterPool.Builder#build()} for what it throws. */
    static Connected connect(ClusterPool.Builder settings, String poolName) {
        ClusterKey key = ClusterKey.resolve(settings.clusterKey, allLoopback(settings.addresses),
                "a cluster pool that connects to " + settings.addresses);
        long timeoutNanos = settings.taskTimeout == null ? 0 : settings.taskTimeout.toNanos();
        HazelcastSettings.quietLogging();
        List<String> entries = new ArrayList<>(ClassPathShipment.current());
        settings.extraClassPath.forEach(p -> entries.add(p.toString()));
        ClassPathShipment shipment = ClassPathShipment.of(entries, key, timeoutNanos);
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(HazelcastSettings.client(settings.clusterName,
                    settings.addresses, settings.connectTimeout, poolName));
        } catch (RuntimeException e) {
            shipment.close();
            throw new ClusterUnreachableException("no member of cluster \"" + settings.clusterName
                    + "\" could be reached at " + settings.addresses + " within "
                    + settings.connectTimeout.toMillis() + " ms: " + e.getMessage(), e);
        }
        ExitWatch.add(client, poolName, () -> close(client, shipment)); // an open pool does not keep this JVM alive
        Dispatcher[] holder = new Dispatcher[1];
        Dispatcher dispatcher = new Dispatcher(client, key, poolName, shipment.id(), timeoutNanos,
                settings.queueCapacity, new AnswerDecoder(settings.limits),
                member -> shipment.shipTo(member, client.getExecutorService(HazelcastSettings.CONTROL),
                        holder[0].clientId()),
                () -> close(client, shipment)); // once terminated: leave the cluster
        holder[0] = dispatcher;
        try {
            dispatcher.start();
            dispatcher.awaitFirstMember(settings.connectTimeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(client, shipment);
            throw new MultiprocException("interrupted while " + poolName + " connected", e);
        } catch (RuntimeException e) {
            close(client, shipment);
            throw e;
        }
        return new Connected(client, dispatcher);
    }

    private static void close(HazelcastInstance client, ClassPathShipment shipment) {
        ExitWatch.remove(client);
        try {
            client.shutdown();
        } finally {
            shipment.close();
        }
    }

    private static boolean allLoopback(List<String> addresses) {
        for (String a : addresses) {
            try {
                if (!InetAddress.getByName(a.substring(0, a.lastIndexOf(':'))).isLoopbackAddress()) {
                    return false;
                }
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }
}
