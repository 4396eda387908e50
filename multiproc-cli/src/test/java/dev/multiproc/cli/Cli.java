package dev.multiproc.cli;

import dev.multiproc.CompletedProcess;
import dev.multiproc.Command;
import java.util.ArrayList;
import java.util.List;

/** Runs the multiproc command in a JVM of its own, as a user would. */
final class Cli {
    private Cli() {}

    static CompletedProcess run(String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElseThrow());
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(Main.class.getName());
        argv.addAll(List.of(args));
        return Command.of(argv).run();
    }
}
