package dev.multiproc.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How multiproc configures Hazelcast, members and clients alike.
 *
 * <h2>Loopback, TCP, nothing else</h2>
 * A member binds the one address it is given (127.0.0.1 by default) on the one port it is given,
 * never the wildcard address; it finds the others by TCP at the addresses it is given: no
 * multicast, no cloud auto-detection, no phone-home, no REST. Hazelcast's own shutdown hook is
 * off: the member's owner closes it.
 *
 * <h2>Death is noticed within 5 s</h2>
 * Heartbeats every second, and a member or a client silent for 4 s is taken for dead (Hazelcast's
 * default is 60 s). A killed process is usually seen at once, when its sockets close; the
 * heartbeat bounds the case where they do not (a machine or a link that went away).
 *
 * <h2>Nothing is re-run</h2>
 * The client never redoes an invocation whose connection broke: a task sent to a member that
 * died is failed, never sent again. Hazelcast's durable executor (at-least-once) is not used.
 */
final class HazelcastSettings {
    /** The executor that runs jobs: its threads wait for the member's workers. */
    static final String JOBS = "multiproc-jobs";
    /** The executor for everything else (offers, files, cancels), never stuck behind jobs. */
    static final String CONTROL = "multiproc-control";
    /** The member attribute that says how many workers each of its local pools has. */
    static final String WORKERS_ATTRIBUTE = "multiproc.workers";

    /** Hazelcast's loggers, kept: a logger nobody holds may be collected with its level. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private static final Map<String, String> COMMON = Map.of(
            "hazelcast.phone.home.enabled", "false",
            "hazelcast.shutdownhook.enabled", "false",
            "hazelcast.logging.type", "jdk");

    private HazelcastSettings() {}

    /** Hazelcast says only warnings, unless this JVM's logging configuration said otherwise. */
    static void quietLogging() {
        if (HAZELCAST_LOG.getLevel() == null) {
            HAZELCAST_LOG.setLevel(Level.WARNING);
        }
    }

    static Config member(String clusterName, String bind, int port, List<String> join, int workers,
                         MemberService service) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName("multiproc-member-" + bind + "-" + port);
        COMMON.forEach(config::setProperty);
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
        config.setProperty("hazelcast.client.max.no.heartbeat.seconds", "4");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(bind);
        JoinConfig joining = network.getJoin();
        joining.getMulticastConfig().setEnabled(false);
        joining.getAutoDetectionConfig().setEnabled(false);
        joining.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1)
                .addMember(bind + ":" + port);
        for (String address : join) {
            joining.getTcpIpConfig().addMember(address);
        }
        config.getMemberAttributeConfig().setAttribute(WORKERS_ATTRIBUTE, Integer.toString(workers));
        config.getExecutorConfig(JOBS).setPoolSize(512).setStatisticsEnabled(false);
        config.getExecutorConfig(CONTROL).setPoolSize(16).setStatisticsEnabled(false);
        config.getSerializationConfig().addDataSerializableFactory(MemberCall.FACTORY, new MemberCall.Factory());
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        config.getUserContext().put(MemberService.CONTEXT_KEY, service);
        return config;
    }

    static ClientConfig client(String clusterName, List<String> addresses, Duration connectTimeout, String name) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setInstanceName(name);
        COMMON.forEach(config::setProperty);
        config.setProperty("hazelcast.client.heartbeat.interval", "1000");
        config.setProperty("hazelcast.client.heartbeat.timeout", "4000");
        config.getNetworkConfig().setAddresses(addresses).setRedoOperation(false);
        config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(connectTimeout.toMillis())
                .setInitialBackoffMillis(100).setMaxBackoffMillis(1000);
        config.getSerializationConfig().addDataSerializableFactory(MemberCall.FACTORY, new MemberCall.Factory());
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        return config;
    }
}
