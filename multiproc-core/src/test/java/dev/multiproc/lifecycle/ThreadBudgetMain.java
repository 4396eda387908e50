package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh JVM that counts its platform threads (carriers of virtual threads included) before
 * multiproc's first use, with {@code args[0]} commands alive, and after they ended and every
 * timer of the library had time to run; prints {@code before with after}.
 */
public final class ThreadBudgetMain {
    private ThreadBudgetMain() {}

    public static void main(String[] args) throws Exception {
        int before = threads();
        List<Subprocess> children = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[0]); i++) {
            children.add(Command.of("sleep", "60").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start());
        }
        Thread.sleep(1500);
        int with = threads();
        for (Subprocess c : children) {
            c.kill();
            c.waitFor();
        }
        Thread.sleep(1500);
        System.out.println(before + " " + with + " " + threads());
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
