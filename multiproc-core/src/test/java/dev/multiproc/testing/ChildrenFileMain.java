package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A JVM for the children-file tests: prints its pid, waits for a line on stdin, starts a
 * child (so that it publishes its children), waits for another line, then ends its child and
 * exits normally.
 */
public final class ChildrenFileMain {
    private ChildrenFileMain() {}

    public static void main(String[] args) throws Exception {
        System.out.println(ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        in.readLine();
        Subprocess child = Command.of("sleep", "60").survivesParent().stdin(Redirect.DISCARD)
                .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        in.readLine();
        child.kill();
        child.waitFor();
    }
}
