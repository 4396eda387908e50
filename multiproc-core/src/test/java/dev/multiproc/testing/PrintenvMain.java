package dev.multiproc.testing;

import dev.multiproc.Command;

/**
 * Runs {@code printenv NAME} as a command that inherits this JVM's environment unchanged, and
 * writes what it printed to stdout, byte for byte.
 */
public final class PrintenvMain {
    private PrintenvMain() {}

    public static void main(String[] args) throws Exception {
        byte[] value = Command.of("printenv", args[0]).survivesParent().run().stdout();
        System.out.write(value);
        System.out.flush();
    }
}
