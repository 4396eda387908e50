package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A parent JVM for the lifecycle tests. Arguments: commands, child JVMs, how many of each
 * survive their parent ({@code survivesParent}), then how to end: {@code wait} (until the test
 * kills it), {@code halt}, {@code exit} or {@code return}. Each command is a shell with two
 * background sleeps; commands are started alternately as plain children and as leaders of a
 * new process group. It prints one line per process: {@code KIND SURVIVES PID}, then
 * {@code ready}, then ends as asked.
 */
public final class OrphanParent {
    private OrphanParent() {}

    public static void main(String[] args) throws Exception {
        int commands = Integer.parseInt(args[0]);
        int jvms = Integer.parseInt(args[1]);
        int surviving = Integer.parseInt(args[2]);
        String end = args[3];
        for (int i = 0; i < commands; i++) {
            boolean survives = i < surviving;
            Command c = Command.of("sh", "-c", "sleep 300 & echo $!; sleep 300 & echo $!; wait")
                    .daemon(false).stdin(dev.multiproc.Redirect.DISCARD);
            if (survives) {
                c = c.survivesParent();
            }
            if (i % 2 == 1) {
                c = c.newProcessGroup();
            }
            Subprocess p = c.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.US_ASCII));
            say("command", survives, p.pid());
            say("grandchild", survives, Long.parseLong(out.readLine().strip()));
            say("grandchild", survives, Long.parseLong(out.readLine().strip()));
        }
        for (int i = 0; i < jvms; i++) {
            boolean survives = i < jvms * surviving / Math.max(1, commands);
            JvmProcess<Void> p = JvmProcess.builder().name("sleeper-" + i).survivesParent(survives)
                    .jvmOptions("-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                    .stdout(dev.multiproc.Redirect.DISCARD)
                    .start(() -> {
                        Thread.sleep(300_000);
                        return null;
                    });
            say("jvm", survives, p.pid());
        }
        System.out.println("ready");
        System.out.flush();
        switch (end) {
            case "wait" -> Thread.sleep(300_000);
            case "halt" -> Runtime.getRuntime().halt(3);
            case "exit" -> System.exit(0);
            case "return" -> { }
            default -> throw new IllegalArgumentException(end);
        }
    }

    private static void say(String kind, boolean survives, long pid) {
        System.out.println(kind + " " + survives + " " + pid);
        System.out.flush();
    }
}
