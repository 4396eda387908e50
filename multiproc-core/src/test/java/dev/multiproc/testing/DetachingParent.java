package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.DetachedProcess;

/**
 * A parent JVM for tests: starts a detached {@code sleep}, prints its pid, then ends as
 * {@code args[0]} says: {@code return} (normal exit), {@code exit} ({@code System.exit(0)}),
 * or {@code wait} (until the test kills it).
 */
public final class DetachingParent {
    private DetachingParent() {}

    public static void main(String[] args) throws Exception {
        DetachedProcess detached = Command.of("sleep", "300").detached().start();
        System.out.println(detached.pid());
        System.out.flush();
        switch (args[0]) {
            case "return" -> { }
            case "exit" -> System.exit(0);
            case "wait" -> Thread.sleep(300_000);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
