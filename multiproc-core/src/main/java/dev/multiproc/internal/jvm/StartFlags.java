package dev.multiproc.internal.jvm;

import java.util.List;

/**
 * JVM flags multiproc gives a child unless the user's options set them.
 *
 * <p>{@code -XX:-UsePerfData}: no {@code hsperfdata} file per child. It saves a little
 * start-up and exit time and, above all, leaves no stale file in {@code /tmp} when a child
 * is killed; the cost is that {@code jps} and {@code jstat} do not list children.
 *
 * <p>Measured and not taken (see docs): {@code -XX:TieredStopAtLevel=1} starts a child about
 * 10 ms sooner but makes long CPU-bound tasks several times slower; {@code -XX:+UseSerialGC}
 * saves a few ms but changes the collector a task with a large heap runs under.
 */
final class StartFlags {
    private StartFlags() {}

    static List<String> defaults(List<String> userOptions) {
        boolean userSetPerfData = userOptions.stream().anyMatch(o -> o.contains("UsePerfData"));
        return userSetPerfData ? List.of() : List.of("-XX:-UsePerfData");
    }
}
