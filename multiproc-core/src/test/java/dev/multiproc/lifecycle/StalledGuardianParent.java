package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent JVM whose guardian the test stops: it starts one guarded command (and so its
 * guardian), prints {@code ready}, waits for a line on stdin, then spawns guarded commands
 * from several threads, printing {@code spawned} after each and {@code done} after all.
 * Arguments: a token that every command carries in its command line, the number of threads,
 * and how many commands each spawns.
 */
public final class StalledGuardianParent {
    private StalledGuardianParent() {}

    public static void main(String[] args) throws Exception {
        String token = args[0];
        int threads = Integer.parseInt(args[1]);
        int each = Integer.parseInt(args[2]);
        Command command = Command.of("bash", "-c", "exec -a " + token + "-child sleep 1000")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
        command.start();
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        List<Thread> spawners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            spawners.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        command.start();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                    say("spawned");
                }
            }));
        }
        for (Thread t : spawners) {
            t.join();
        }
        say("done");
        Thread.sleep(300_000);
    }

    private static synchronized void say(String what) {
        System.out.println(what);
        System.out.flush();
    }
}
