package dev.multiproc.hazelcast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a cluster member until this JVM is stopped (SIGTERM, SIGINT): what {@link MemberProcess} starts, with the options of
 * {@code multiproc member}. Prints one line, {@value #READY} and the member's address, once the
 * member has joined its cluster.
 */
public final class MemberMain {
    /** The start of the line printed once the member runs. */
    public static final String READY = "multiproc member ready at ";

    private MemberMain() {}

    /**
     * Starts a member with the options in {@code args} and runs it until this JVM ends.
     *
     * @param args {@code --workers N --port P --bind ADDR --join HOST:PORT,... --cluster-name NAME
     *     --key FILE --idle-timeout MILLISms --worker-jvm-option=OPT}
     */
    public static void main(String[] args) throws InterruptedException {
        ClusterMember.Options options;
        try {
            options = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("multiproc member: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    /**
     * Starts the member, prints the ready line, and waits until this JVM is stopped.
     *
     * @return 1 if the member could not start (why is printed to stderr), else 0 once it was closed
     */
    public static int run(ClusterMember.Options options) throws InterruptedException {
        ClusterMember member;
        try {
            member = ClusterMember.start(options);
        } catch (RuntimeException e) {
            System.err.println("multiproc member: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(member::close, "multiproc-member-stop"));
        System.out.println(READY + member.address() + " (cluster " + member.clusterName() + ", "
                + member.workers() + " workers per class path; members " + member.members() + ")");
        System.out.flush();
        member.awaitClose();
        return 0;
    }

    static ClusterMember.Options parse(List<String> args) {
        ClusterMember.Options o = ClusterMember.options();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--worker-jvm-option=")) {
                o.workerJvmOptions(a.substring("--worker-jvm-option=".length()));
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
            String v = args.get(++i);
            switch (a) {
                case "--workers" -> o.workers(number(a, v));
                case "--port" -> o.port(number(a, v));
                case "--bind" -> o.bind(v);
                case "--join" -> o.join(Addresses.parseList(v).toArray(String[]::new));
                case "--cluster-name" -> o.clusterName(v);
                case "--key" -> o.clusterKey(Path.of(v));
                case "--idle-timeout" -> o.idleTimeout(Duration.ofMillis(number(a, v.replace("ms", ""))));
                default -> throw new IllegalArgumentException("unknown option: " + a);
            }
        }
        return o;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number: \"" + value + "\"", e);
        }
    }
}
