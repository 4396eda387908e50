package dev.multiproc.cli;

import dev.multiproc.hazelcast.ClusterMember;
import dev.multiproc.hazelcast.MemberMain;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * {@code multiproc member}: a member of a multiproc cluster, which runs the tasks of
 * {@code ClusterPool}s in worker JVMs of its own, until it is stopped (Ctrl-C, SIGTERM).
 */
@picocli.CommandLine.Command(name = "member",
        description = "Runs a cluster member: a Hazelcast member that runs the tasks of ClusterPools in worker JVMs of"
                + " its own. Bound to 127.0.0.1 by default; any other address needs a cluster key (--key FILE, or the"
                + " environment variable MULTIPROC_CLUSTER_KEY; never the key itself on the command line).")
final class MemberCommand implements Callable<Integer> {
    @Option(names = "--workers", paramLabel = "N",
            description = "Worker JVMs per class path: how many tasks of one client run at once (default: processors).")
    Integer workers;

    @Option(names = "--port", paramLabel = "P", defaultValue = "5701", description = "The port (default: 5701).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "The address to bind (default: 127.0.0.1); another needs --key.")
    String bind;

    @Option(names = "--join", paramLabel = "HOST:PORT", split = ",",
            description = "Members to join, separated by commas.")
    List<String> join = List.of();

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "multiproc",
            description = "The cluster's name (default: multiproc).")
    String clusterName;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The file that holds the cluster key (default: MULTIPROC_CLUSTER_KEY, else on 127.0.0.1"
                    + " ~/.multiproc/cluster.key, made on first use).")
    Path key;

    @Option(names = "--worker-jvm-option", paramLabel = "OPTION",
            description = "A JVM option for the workers (-Xmx2g...); may be repeated.")
    List<String> workerJvmOptions = List.of();

    @Override
    public Integer call() throws InterruptedException {
        ClusterMember.Options options;
        try {
            options = ClusterMember.options().port(port).bind(bind).clusterName(clusterName)
                    .join(join.toArray(String[]::new))
                    .workerJvmOptions(workerJvmOptions.toArray(String[]::new));
            if (workers != null) {
                options.workers(workers);
            }
            if (key != null) {
                options.clusterKey(key);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("multiproc member: " + e.getMessage());
            return 2;
        }
        return MemberMain.run(options);
    }
}
