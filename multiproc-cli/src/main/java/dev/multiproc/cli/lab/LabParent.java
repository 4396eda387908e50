package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.DetachedProcess;

/**
 * The parent process of a lab row that needs a parent to end: it starts children as the
 * scenario says, prints what the lab needs to know on stdout (one {@code key=value} per line),
 * then ends the way the scenario says.
 */
public final class LabParent {
    private LabParent() {}

    /** Runs {@code args[0]}, the scenario. */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "detach" -> detach();
            default -> throw new IllegalArgumentException("no lab scenario " + args[0]);
        }
    }

    /** Starts a detached sleep and returns from main at once. */
    private static void detach() throws Exception {
        DetachedProcess d = Command.of("sleep", "60").detached().start();
        say("detached", d.pid());
    }

    static void say(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }
}
