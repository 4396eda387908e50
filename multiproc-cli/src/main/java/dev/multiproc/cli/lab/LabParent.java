package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.DetachedProcess;
import dev.multiproc.JvmProcess;
import dev.multiproc.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The parent process of a lab row that needs a parent to end: it starts children as the
 * scenario says, prints what the lab needs to know on stdout (one {@code key=value} per line,
 * then {@code ready}), then ends the way the scenario says.
 */
public final class LabParent {
    private static final Command SLEEP = Command.of("sleep", "120").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD);

    private LabParent() {}

    /** Runs {@code args[0]}, the scenario, with the arguments that follow. */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "detach" -> detach();
            case "non-daemon" -> nonDaemon(args[1]);
            case "daemon" -> daemon(args[1]);
            case "children" -> children();
            case "exit", "halt" -> exitOrHalt(args[0], args[1]);
            default -> throw new IllegalArgumentException("no lab scenario " + args[0]);
        }
    }

    /** Starts a detached sleep and returns from main at once. */
    private static void detach() throws Exception {
        DetachedProcess d = Command.of("sleep", "60").detached().start();
        say("detached", d.pid());
        ready();
    }

    /** A non-daemon child JVM that works for a second, then main returns at once. */
    private static void nonDaemon(String file) {
        say("child", JvmProcess.builder().name("worker").start(LabTasks.sleepThenWrite(1000, file)).pid());
        ready();
    }

    /** A daemon child JVM that would sleep a minute and then write {@code file}; main returns at once. */
    private static void daemon(String file) {
        say("child", JvmProcess.builder().name("watcher").daemon(true)
                .start(LabTasks.sleepThenWrite(60_000, file)).pid());
        ready();
    }

    /** One child of each kind that must die with this JVM, and one of each that survives it; then waits. */
    private static void children() throws Exception {
        say("command", SLEEP.start().pid());
        say("command-survives", SLEEP.survivesParent().start().pid());
        say("jvm", JvmProcess.builder().signalGrace(Duration.ofMillis(500)).start(LabTasks.sleep(120_000)).pid());
        say("jvm-survives", JvmProcess.builder().survivesParent(true).signalGrace(Duration.ofMillis(500))
                .start(LabTasks.sleep(120_000)).pid());
        ready();
        Thread.sleep(120_000);
    }

    /**
     * A daemon command, a daemon child JVM and a non-daemon one that works (a second before an
     * exit, which waits for it; a minute before a halt, which must not let it finish); then
     * exit or halt.
     */
    private static void exitOrHalt(String how, String dir) throws Exception {
        Path hook = Path.of(dir, "hook");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(hook, "ran");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        say("command", SLEEP.start().pid());
        say("daemon-jvm", JvmProcess.builder().daemon(true).start(LabTasks.sleep(120_000)).pid());
        long work = how.equals("halt") ? 60_000 : 1000;
        say("jvm", JvmProcess.builder().start(LabTasks.sleepThenWrite(work, dir + "/worked")).pid());
        ready();
        Thread.sleep(300);
        if (how.equals("halt")) {
            Runtime.getRuntime().halt(3);
        }
        System.exit(0);
    }

    static void say(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }

    static void ready() {
        System.out.println("ready");
        System.out.flush();
    }
}
