package dev.multiproc.testing;

import dev.multiproc.Command;
import java.util.ArrayList;
import java.util.List;

/** A command that runs a main class of the test class path in a JVM of its own, as a parent under test. */
public final class JavaMain {
    private JavaMain() {}

    /** {@code java ... mainClass args}, with this JVM's java, class path and native access. */
    public static Command of(Class<?> mainClass, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElseThrow());
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-XX:+UseSerialGC");
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(mainClass.getName());
        argv.addAll(List.of(args));
        return Command.of(argv);
    }
}
