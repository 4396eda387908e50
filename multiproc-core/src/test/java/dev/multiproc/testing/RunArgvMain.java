package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import java.util.Arrays;

/**
 * Runs its arguments as a command and prints the command's stdout, then {@code exit N}. A
 * first argument {@code --child-path=P} sets the command's own {@code PATH} to P.
 */
public final class RunArgvMain {
    private RunArgvMain() {}

    public static void main(String[] args) throws Exception {
        String childPath = null;
        if (args[0].startsWith("--child-path=")) {
            childPath = args[0].substring("--child-path=".length());
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        Command command = Command.of(args).survivesParent();
        if (childPath != null) {
            command = command.env("PATH", childPath);
        }
        CompletedProcess r = command.run();
        System.out.print(r.stdoutText());
        System.out.println("exit " + r.exitStatus().returncode());
    }
}
