package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A parent JVM that ends by {@code System.exit} or {@code Runtime.halt} ({@code args[0]}),
 * after starting a daemon command, a non-daemon command, a daemon child JVM and a non-daemon
 * child JVM that works for 1.5 s and then writes {@code args[1]/worked}. A shutdown hook
 * writes {@code args[1]/hook}. Prints {@code KIND PID} lines, then {@code ready}.
 */
public final class ExitParent {
    private ExitParent() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(dir.resolve("hook"), "ran");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        Command sleep = Command.of("sleep", "300").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD);
        say("daemon-command", sleep.start().pid());
        say("command", sleep.daemon(false).start().pid());
        String worked = dir.resolve("worked").toString();
        say("daemon-jvm", JvmProcess.builder().daemon(true).stdout(Redirect.DISCARD).start(() -> {
            Thread.sleep(300_000);
            return null;
        }).pid());
        say("jvm", JvmProcess.builder().stdout(Redirect.DISCARD).start(() -> {
            Thread.sleep(1500);
            Files.writeString(Path.of(worked), "done");
            return null;
        }).pid());
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(300); // let the child JVMs take their tasks
        if (args[0].equals("halt")) {
            Runtime.getRuntime().halt(4);
        }
        System.exit(0);
    }

    private static void say(String kind, long pid) {
        System.out.println(kind + " " + pid);
        System.out.flush();
    }
}
