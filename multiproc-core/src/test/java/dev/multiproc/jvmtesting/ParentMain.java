package dev.multiproc.jvmtesting;

import dev.multiproc.JvmProcess;
import dev.multiproc.Redirect;
import java.time.Duration;

/**
 * A parent JVM for tests of what happens to child JVMs when their parent ends. Starts one
 * child per {@code daemon} or {@code nondaemon} argument (each sleeps {@code sleepMillis} then
 * returns), prints {@code child PID} for each and {@code main done}, then ends as the last
 * argument says: {@code return} from main, {@code exit} (System.exit(0)), or {@code wait}
 * (sleeps until signalled).
 *
 * <pre>ParentMain SLEEP_MILLIS [survives] [grace=MILLIS] (daemon|nondaemon)... (return|exit|wait)</pre>
 */
public final class ParentMain {
    private ParentMain() {}

    public static void main(String[] args) throws Exception {
        long sleep = Long.parseLong(args[0]);
        boolean survives = false;
        Duration grace = Duration.ofSeconds(10);
        for (int i = 1; i < args.length - 1; i++) {
            String arg = args[i];
            if (arg.equals("survives")) {
                survives = true;
            } else if (arg.startsWith("grace=")) {
                grace = Duration.ofMillis(Long.parseLong(arg.substring(6)));
            } else {
                JvmProcess<String> p = JvmProcess.builder()
                        .daemon(arg.equals("daemon"))
                        .survivesParent(survives)
                        .signalGrace(grace)
                        .stdout(Redirect.DISCARD)
                        .start(() -> {
                            Thread.sleep(sleep);
                            return "slept";
                        });
                System.out.println("child " + p.pid());
            }
        }
        System.out.println("main done");
        System.out.flush();
        switch (args[args.length - 1]) {
            case "return" -> { }
            case "exit" -> System.exit(0);
            case "wait" -> Thread.sleep(Long.MAX_VALUE);
            default -> throw new IllegalArgumentException(args[args.length - 1]);
        }
    }
}
