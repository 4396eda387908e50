package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A parent JVM that spawns guarded commands from many threads until it is killed. Arguments: a
 * token that marks everything it starts, and the number of threads. Each command is bash
 * starting a grandchild and then becoming a child: {@code sleep}s renamed {@code TOKEN-grandchild}
 * and {@code TOKEN-child}, so every stage of every process carries the token in its command
 * line (before its {@code execve} a spawned child shows this JVM's, which carries it too).
 * Commands are started in turn as plain children, leaders of a new process group and leaders
 * of a new session. It prints {@code spawning} once {@link #ANNOUNCE_AFTER} spawns have
 * started, and stops spawning (without exiting) after {@link #PER_THREAD} per thread. A third
 * argument adds that many threads starting commands that survive their parent
 * ({@code TOKEN-survivor}), each printed as {@code survivor PID} once started.
 */
public final class SpawningParent {
    static final int ANNOUNCE_AFTER = 32;
    static final int PER_THREAD = 60;

    private SpawningParent() {}

    public static void main(String[] args) throws Exception {
        String token = args[0];
        int threads = Integer.parseInt(args[1]);
        String script = "exec -a " + token + "-grandchild sleep 1000 & exec -a " + token + "-child sleep 1000";
        AtomicInteger started = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    Command c = Command.of("bash", "-c", script).stdin(Redirect.DISCARD)
                            .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
                    c = switch (i % 3) {
                        case 1 -> c.newProcessGroup();
                        case 2 -> c.newSession();
                        default -> c;
                    };
                    if (started.incrementAndGet() == ANNOUNCE_AFTER) {
                        say("spawning");
                    }
                    try {
                        c.start();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }
            });
        }
        int survivorThreads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Command survivor = Command.of("bash", "-c", "exec -a " + token + "-survivor sleep 1000")
                .survivesParent().stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
        for (int t = 0; t < survivorThreads; t++) {
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    try {
                        say("survivor " + survivor.start().pid());
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }
            });
        }
        Thread.sleep(300_000);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
