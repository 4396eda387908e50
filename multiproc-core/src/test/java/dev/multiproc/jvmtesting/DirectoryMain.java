package dev.multiproc.jvmtesting;

import dev.multiproc.ChildFailedException;
import dev.multiproc.JvmProcess;
import java.nio.file.Path;

/**
 * Run with a relative class path: starts a child JVM in the directory {@code args[0]}, with
 * {@code -Djava.library.path=native} among its options, and prints what its task returns (its
 * working directory and that property), or the failure.
 */
public final class DirectoryMain {
    private DirectoryMain() {}

    public static void main(String[] args) throws Exception {
        JvmProcess<String> p = JvmProcess.builder().directory(Path.of(args[0]))
                .jvmOptions("-Djava.library.path=native")
                .start(() -> Path.of("").toAbsolutePath() + " " + System.getProperty("java.library.path"));
        try {
            System.out.println(p.result());
        } catch (ChildFailedException e) {
            System.out.println("failed: " + e.getMessage());
        }
    }
}
