package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;

/**
 * Runs its arguments as one command with this JVM's stdin, stdout and stderr, and exits as
 * a shell would: the command's code, 128+N after signal N, 127 if not found, 126 if not
 * executable. For tests that need a JVM set up differently from the test JVM (another PATH,
 * other signal dispositions).
 */
public final class RunMain {
    private RunMain() {}

    public static void main(String[] args) throws Exception {
        try {
            int code = Command.of(args).stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT)
                    .start().waitFor().shellCode();
            System.exit(code);
        } catch (ProcessStartException e) {
            System.err.println(e.getMessage());
            System.exit(e.notFound() ? 127 : e.notExecutable() ? 126 : 125);
        }
    }
}
